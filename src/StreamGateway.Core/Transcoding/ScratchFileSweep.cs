using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StreamGateway.Core.Transcoding;

/// <summary>
/// Deletes the scratch files of segment checks that a gateway killed mid-check left in the temp folder: the fetched
/// renditions, the source copy and the comparison's stats (each a few MB at most, but a node that crashes often would
/// fill its disk with them). At start and then hourly, only those untouched for <see cref="MinAge"/>: a check lasts
/// seconds, and other nodes on the same machine share the folder.
/// </summary>
public sealed class ScratchFileSweep(TimeProvider clock, ILogger<ScratchFileSweep> logger) : BackgroundService
{
    public static readonly TimeSpan MinAge = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                if (Sweep(Path.GetTempPath(), clock.GetUtcNow()) is > 0 and var deleted)
                {
                    logger.LogInformation("Deleted {Count} scratch files that interrupted segment checks left behind", deleted);
                }
            }
            catch (IOException e)
            {
                logger.LogWarning("Could not sweep the temp folder for old scratch files: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes the scratch files in <paramref name="folder"/> last written over <see cref="MinAge"/> before <paramref name="now"/>; returns how many.</summary>
    public static int Sweep(string folder, DateTimeOffset now)
    {
        var deleted = 0;
        foreach (var file in ScratchFiles.Patterns.SelectMany(p => Directory.EnumerateFiles(folder, p)))
        {
            try
            {
                if (now - File.GetLastWriteTimeUtc(file) > MinAge)
                {
                    File.Delete(file);
                    deleted++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // another node's file, or gone already
            }
        }
        return deleted;
    }
}
