using Microsoft.Extensions.Options;

namespace StreamGateway.Orchestrator.Sessions;

/// <summary>
/// Renditions are fetched by the gateway seconds after they are made; keeping them for
/// <see cref="OrchestratorOptions.RenditionRetentionSeconds"/> leaves room for a retry and bounds the disk.
/// </summary>
public sealed class RenditionCleanup(RenditionStore store, IOptions<OrchestratorOptions> options, TimeProvider clock, ILogger<RenditionCleanup> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var keep = TimeSpan.FromSeconds(options.Value.RenditionRetentionSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Clamp(keep.TotalSeconds / 4, 1, 30)), clock, stoppingToken);
            var deleted = store.DeleteOlderThan(keep, clock.GetUtcNow());
            if (deleted > 0)
            {
                logger.LogDebug("Deleted {Count} old renditions", deleted);
            }
        }
    }
}
