using System.Text.Json;
using Hangfire;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Webhooks;

/// <summary>
/// Writes events into the outbox table inside the caller's unit of work; after the caller commits,
/// <see cref="Publish"/> hands each one to a dispatch job. An event whose job was never enqueued (a crash between
/// commit and enqueue) or was lost (Redis forgot it) is dispatched by <see cref="WebhookOutboxSweep"/>.
/// </summary>
public sealed class WebhookOutbox(IBackgroundJobClient jobs)
{
    /// <summary>An event of a project; an event about a stream also carries the stream (see <c>StreamEvents</c>).</summary>
    public static WebhookEvent Add(GatewayDbContext db, string eventName, Guid projectId, Guid userId, DateTimeOffset now, object? payload)
    {
        var row = new WebhookEvent
        {
            Id = Guid.CreateVersion7(),
            ProjectId = projectId,
            UserId = userId,
            Event = eventName,
            Payload = payload is null ? null : JsonSerializer.Serialize(payload, GatewayJson.Options),
            CreatedAt = now,
        };
        db.WebhookEvents.Add(row);
        return row;
    }

    public void Publish(WebhookEvent row) =>
        jobs.Enqueue<DispatchWebhookEvent>(job => job.RunAsync(row.Id, CancellationToken.None));
}
