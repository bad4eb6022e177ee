using System.Text.Json;
using Hangfire;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Streams;

namespace StreamGateway.Core.Webhooks;

/// <summary>
/// Writes events into the outbox table inside the caller's unit of work; after the caller commits,
/// <see cref="Publish"/> hands each one to a dispatch job. An event whose job was never enqueued (a crash between
/// commit and enqueue) is picked up by <see cref="SweepWebhookOutbox"/>.
/// </summary>
public sealed class WebhookOutbox(IBackgroundJobClient jobs)
{
    public static WebhookEvent Add(GatewayDbContext db, string eventName, LiveStream stream, DateTimeOffset now, object? payload = null)
    {
        var row = Add(db, eventName, stream.ProjectId, stream.UserId, now, payload);
        row.StreamId = stream.Id;
        row.Stream = JsonSerializer.Serialize(StreamResource.From(stream, withKey: false), GatewayJson.Options);
        return row;
    }

    /// <summary>An event about something other than a stream (an asset, a task).</summary>
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
