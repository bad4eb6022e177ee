using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StreamGateway.Core.Live;

/// <summary>
/// A rendition whose segment transcode was lost (the node running it died) holds every later segment back until
/// <see cref="HlsOptions.RenditionWaitSeconds"/> pass, then publishes them after a gap. That release normally rides on
/// the rendition's next segment; when the publish ends first there is none, so every node sweeps the renditions still
/// waiting. The release is one atomic script, so nodes sweeping at once publish each segment once.
/// </summary>
public sealed class StalledRenditionSweep(LiveRenditions renditions, IOptions<HlsOptions> options, TimeProvider clock,
    ILogger<StalledRenditionSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Clamp(options.Value.RenditionWaitSeconds / 4, 0.5, 5));
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(every, clock, stoppingToken);
            try
            {
                await renditions.ReleaseStalledAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "The stalled-rendition sweep failed");
            }
        }
    }
}
