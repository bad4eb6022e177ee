using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Webhooks;

/// <summary>
/// The outbox's safety net, on every node, outside Hangfire (a Redis that forgot its jobs forgot recurring jobs
/// too): every <see cref="WebhookOptions.SweepSeconds"/> it dispatches events whose dispatch job was lost and sends
/// deliveries whose attempt is overdue by <see cref="WebhookOptions.SweepGraceSeconds"/>. Each overdue delivery is
/// claimed by one node and then left alone for another grace period; its lease keeps two jobs from sending it twice.
/// </summary>
public sealed class WebhookOutboxSweep(IServiceScopeFactory scopes, IOptions<WebhookOptions> options, TimeProvider clock,
    ILogger<WebhookOutboxSweep> logger) : BackgroundService
{
    private const int Batch = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(options.Value.SweepSeconds), clock, stoppingToken);
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Webhook outbox sweep failed, trying again in {Seconds} s: {Error}", options.Value.SweepSeconds, e.Message);
            }
        }
    }

    public async Task SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var jobs = scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>();
        var now = clock.GetUtcNow();
        var before = now - TimeSpan.FromSeconds(options.Value.SweepGraceSeconds);

        var events = await db.WebhookEvents
            .Where(e => e.DispatchedAt == null && e.CreatedAt < before)
            .OrderBy(e => e.CreatedAt)
            .Select(e => e.Id)
            .Take(Batch)
            .ToListAsync(ct);
        foreach (var id in events)
        {
            jobs.Enqueue<DispatchWebhookEvent>(job => job.RunAsync(id, CancellationToken.None));
        }

        // Claimed and pushed a grace period ahead in one statement, so that nodes sweeping at once split the work.
        var overdue = await db.Database.SqlQuery<OverdueDelivery>($"""
            UPDATE webhook_deliveries AS d SET "DueAt" = {now}
            FROM (SELECT "EventId", "WebhookId" FROM webhook_deliveries
                  WHERE "FinishedAt" IS NULL AND "DueAt" < {before} AND ("LeasedUntil" IS NULL OR "LeasedUntil" < {now})
                  ORDER BY "DueAt" LIMIT {Batch} FOR UPDATE SKIP LOCKED) AS o
            WHERE d."EventId" = o."EventId" AND d."WebhookId" = o."WebhookId"
            RETURNING d."EventId", d."WebhookId", d."Attempt"
            """).ToListAsync(ct);
        foreach (var d in overdue)
        {
            jobs.Enqueue<DeliverWebhook>(job => job.RunAsync(d.EventId, d.WebhookId, d.Attempt, CancellationToken.None));
        }
        if (events.Count + overdue.Count > 0)
        {
            logger.LogInformation("Webhook outbox sweep: dispatched {Events} events and sent {Deliveries} overdue deliveries again",
                events.Count, overdue.Count);
        }
    }

    private sealed record OverdueDelivery(Guid EventId, Guid WebhookId, int Attempt);
}
