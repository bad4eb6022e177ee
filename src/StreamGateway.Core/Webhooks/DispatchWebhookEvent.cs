using Hangfire;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Webhooks;

/// <summary>Fans one outbox event out to every webhook of its project subscribed to the event (studio-api §4.2).</summary>
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
        var webhookIds = await db.Webhooks
            .Where(w => w.ProjectId == row.ProjectId && !w.Deleted && w.Events.Contains(row.Event))
            .Select(w => w.Id)
            .ToListAsync(ct);
        foreach (var webhookId in webhookIds)
        {
            jobs.Enqueue<DeliverWebhook>(job => job.RunAsync(eventId, webhookId, 1, CancellationToken.None));
        }
        row.DispatchedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }
}
