using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;
using StreamGateway.Core.Live;
using StreamGateway.Core.Storage;
using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Core.Assets;

/// <summary>
/// Cuts a clip's source (queue <c>vod</c>): the stored source segments that cover the range, joined and cut to the
/// frame, become the asset's source file, and <see cref="ProcessAsset"/> takes it from there like an upload.
/// Segments the live window no longer holds are read from the session's recording, when it has one.
/// </summary>
public sealed class ClipAsset(
    GatewayDbContext db,
    AssetStorage storage,
    ISegmentStore store,
    AssetEvents events,
    SessionSegments segments,
    IBackgroundJobClient jobs,
    IOptions<AssetOptions> options,
    IOptions<HlsOptions> hls,
    TimeProvider clock,
    ILogger<ClipAsset> logger)
{
    [Queue("vod")]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(Guid assetId, CancellationToken ct)
    {
        var asset = await db.Assets.FirstOrDefaultAsync(a => a.Id == assetId, ct);
        if (asset is null || asset.DeletedAt is not null || asset.Phase != AssetPhase.Waiting || asset.Size is not null)
        {
            return;
        }
        var task = await db.Tasks.OfAsset(assetId).FirstOrDefaultAsync(ct);
        using var work = storage.NewRunDir(assetId, "clip");
        try
        {
            var file = await CutAsync(asset, task, work.Path, ct);
            asset.Size = new FileInfo(file).Length;
            asset.UpdatedAt = clock.GetUtcNow();
            await storage.PutSourceAsync(asset.Id, file);
            await db.SaveChangesAsync(ct);
            jobs.Enqueue<ProcessAsset>(job => job.RunAsync(assetId, CancellationToken.None));
        }
        catch (Exception e) when (e is AssetFailedException or FfmpegException)
        {
            var message = e is AssetFailedException ? e.Message : $"the clip could not be cut: {e.Message}";
            logger.LogWarning("Clip {Asset} failed: {Error}", assetId, message);
            await db.Entry(asset).ReloadAsync(ct);
            if (asset.DeletedAt is null)
            {
                await events.FailAsync(db, asset, task, message, clock.GetUtcNow(), ct);
            }
        }
    }

    private async Task<string> CutAsync(Asset asset, AssetTask? task, string work, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(task?.Params ?? "{}");
        var strategy = doc.RootElement.GetProperty("clip").GetProperty("clipStrategy");
        var start = strategy.GetProperty("startTime").GetInt64();
        var end = strategy.GetProperty("endTime").GetInt64();
        var sessionId = asset.SourceSessionId ?? throw new AssetFailedException("the clip names no session");
        var session = await db.Sessions.AsNoTracking().FirstAsync(s => s.Id == sessionId, ct);
        var picked = (await segments.ReadAsync(sessionId, LivePlaylists.Source)).Where(s => s.EndMs > start && s.StartMs < end).ToList();
        if (picked.Count == 0)
        {
            throw new AssetFailedException(
                $"no stored media of the stream lies between startTime and endTime; clips are cut from the last {hls.Value.RetainSegments} segments " +
                "of a live stream, or from any part of a recorded session");
        }
        var recording = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == sessionId && a.SourceType == "recording" && a.DeletedAt == null, ct);
        var joined = Path.Combine(work, "range.ts");
        await using (var output = File.Create(joined))
        {
            foreach (var segment in picked)
            {
                await using var stored = await store.OpenReadAsync(MediaKeys.Live(session.PlaybackId, LivePlaylists.Source,
                                             MediaKeys.LiveFile(sessionId, segment.Index)), ct)
                                         ?? (recording is null ? null : await store.OpenReadAsync(
                                             MediaKeys.VodSegment(recording.PlaybackId, LivePlaylists.Source, segment.Index), ct))
                                         ?? throw new AssetFailedException("part of the requested range is no longer stored; clip a more recent range");
                await stored.CopyToAsync(output, ct);
            }
        }
        var first = Math.Max(start, picked[0].StartMs);
        var last = Math.Min(end, picked[^1].EndMs);
        var clip = Path.Combine(work, "clip.mp4");
        await FfmpegProcess.RunAsync(options.Value.FfmpegPath,
            FfmpegArguments.Clip(joined, (first - picked[0].StartMs) / 1000.0, (last - first) / 1000.0, clip), TimeSpan.FromMinutes(10), ct);
        return clip;
    }
}
