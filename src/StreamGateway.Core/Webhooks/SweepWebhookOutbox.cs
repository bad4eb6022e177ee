using Hangfire;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Webhooks;

/// <summary>Recurring safety net: dispatches outbox rows whose dispatch job was lost (e.g. a crash right after commit).</summary>
public sealed class SweepWebhookOutbox(GatewayDbContext db, IBackgroundJobClient jobs, TimeProvider clock)
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    [Queue("webhooks")]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken ct)
    {
        var before = clock.GetUtcNow() - Grace;
        var stale = await db.WebhookEvents
            .Where(e => e.DispatchedAt == null && e.CreatedAt < before)
            .OrderBy(e => e.CreatedAt)
            .Select(e => e.Id)
            .Take(1000)
            .ToListAsync(ct);
        foreach (var id in stale)
        {
            jobs.Enqueue<DispatchWebhookEvent>(job => job.RunAsync(id, CancellationToken.None));
        }
    }
}
