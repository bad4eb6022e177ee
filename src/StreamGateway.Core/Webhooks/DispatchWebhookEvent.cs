using Hangfire;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Webhooks;

/// <summary>
/// Fans one outbox event out to every webhook of its project subscribed to the event (studio-api §4.2) and, for a
/// webhook with a <c>streamId</c>, about that stream. Studio stores that field but does not filter on it. Each
/// delivery is written down (<see cref="WebhookDelivery"/>) in the same transaction that marks the event fanned out.
/// </summary>
public sealed class DispatchWebhookEvent(GatewayDbContext db, IBackgroundJobClient jobs, TimeProvider clock)
{
    [Queue("webhooks")]
    [AutomaticRetry(Attempts = 5)]
    public async Task RunAsync(Guid eventId, CancellationToken ct)
    {
        var row = await db.WebhookEvents.FirstOrDefaultAsync(e => e.Id == eventId, ct);
        if (row is null || row.DispatchedAt is not null)
        {
            return; // already fanned out: a job may run twice
        }
        var subscribed = db.Webhooks.Where(w => w.ProjectId == row.ProjectId && !w.Deleted && w.Events.Contains(row.Event));
        if (row.StreamId is { } streamId)
        {
            // An event about a stream goes to the project's webhooks and to those scoped to that stream, never to
            // webhooks scoped to another stream. Events about no stream (assets, tasks) are not scoped.
            subscribed = subscribed.Where(w => w.StreamId == null || w.StreamId == streamId);
        }
        var webhookIds = await subscribed.Select(w => w.Id).ToListAsync(ct);
        var now = clock.GetUtcNow();
        // The deliveries are owed from the moment the fan-out commits; their jobs are only the fast way to make them.
        foreach (var webhookId in webhookIds)
        {
            db.WebhookDeliveries.Add(new WebhookDelivery { EventId = eventId, WebhookId = webhookId, ProjectId = row.ProjectId, Attempt = 1, DueAt = now });
        }
        row.DispatchedAt = now;
        await db.SaveChangesAsync(ct);
        foreach (var webhookId in webhookIds)
        {
            jobs.Enqueue<DeliverWebhook>(job => job.RunAsync(eventId, webhookId, 1, CancellationToken.None));
        }
    }
}
