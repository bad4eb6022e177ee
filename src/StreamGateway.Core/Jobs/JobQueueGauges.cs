using System.Diagnostics.Metrics;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StreamGateway.Core.Health;

namespace StreamGateway.Core.Jobs;

/// <summary>
/// Hangfire's queue depths as gauges: jobs enqueued per queue, and jobs processing, scheduled (retries, waits for a
/// slot) and failed. Shared by every node, so each node reports the same numbers. Read from Redis at most every 5 s,
/// however often the node is scraped.
/// </summary>
public sealed class JobQueueGauges(JobStorage storage, TimeProvider clock, ILogger<JobQueueGauges> logger) : IHostedService
{
    private static readonly TimeSpan ReadEvery = TimeSpan.FromSeconds(5);
    private readonly Lock _lock = new();
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;
    private Measurement<long>[] _enqueued = [];
    private Measurement<long>[] _states = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        GatewayMetrics.Meter.CreateObservableGauge("sg.jobs.enqueued", () => Read().Enqueued, "{job}", "Jobs waiting in each Hangfire queue");
        GatewayMetrics.Meter.CreateObservableGauge("sg.jobs", () => Read().States, "{job}", "Hangfire jobs processing, scheduled and failed");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private (Measurement<long>[] Enqueued, Measurement<long>[] States) Read()
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            if (now - _readAt < ReadEvery)
            {
                return (_enqueued, _states);
            }
            _readAt = now;
            try
            {
                var monitoring = storage.GetMonitoringApi();
                _enqueued = [.. JobsExtensions.LiveQueues.Concat(JobsExtensions.GeneralQueues)
                    .Select(q => new Measurement<long>(monitoring.EnqueuedCount(q), GatewayMetrics.Tag("queue", q)))];
                _states =
                [
                    new(monitoring.ProcessingCount(), GatewayMetrics.Tag("state", "processing")),
                    new(monitoring.ScheduledCount(), GatewayMetrics.Tag("state", "scheduled")),
                    new(monitoring.FailedCount(), GatewayMetrics.Tag("state", "failed")),
                ];
            }
            catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
            {
                // Redis away: no numbers this time rather than a failed scrape.
                logger.LogDebug("Reading Hangfire's queues for /metrics failed: {Error}", e.Message);
                _enqueued = [];
                _states = [];
            }
            return (_enqueued, _states);
        }
    }
}
