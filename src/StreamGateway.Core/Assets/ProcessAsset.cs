using System.Globalization;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Data;
using StreamGateway.Core.Live;
using StreamGateway.Core.Http;
using StreamGateway.Core.Storage;
using StreamGateway.Core.Transcoding;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Media.Hls;
using StreamGateway.Network.Transport;

namespace StreamGateway.Core.Assets;

/// <summary>
/// The VOD pipeline of one asset (queue <c>vod</c>, after <c>live</c>): probe the source (videoSpec), cut it into
/// keyframe-aligned chunks, send every chunk through the orchestrator path live segments take (selection, tickets,
/// verification), store the renditions, and write HLS VOD playlists. Chunks already done are kept in Redis, so a
/// job that runs again (a gateway restart) goes on where it stopped. Any failure ends the asset <c>failed</c> with a
/// message a person can act on.
/// </summary>
public sealed partial class ProcessAsset(
    GatewayDbContext db,
    AssetStorage storage,
    ISegmentStore store,
    AssetEvents events,
    VodPipeline pipeline,
    VodDownloads downloads,
    Live.SessionSegments segments,
    Usage.UsageRecorder usage,
    IConnectionMultiplexer redis,
    IServiceScopeFactory scopes,
    IBackgroundJobClient jobs,
    IOptions<AssetOptions> options,
    IOptions<HlsOptions> hls,
    TimeProvider clock,
    ILogger<ProcessAsset> logger)
{
    private static string DoneKey(Guid assetId) => $"sg:vod:{assetId:N}:done";

    [Queue("vod")]
    [AutomaticRetry(Attempts = 0)] // failures end the asset with a message; a restart re-runs the job from Hangfire's queue
    public async Task RunAsync(Guid assetId, CancellationToken ct)
    {
        var asset = await db.Assets.FirstOrDefaultAsync(a => a.Id == assetId, ct);
        if (asset is null || asset.DeletedAt is not null || asset.Phase is AssetPhase.Ready or AssetPhase.Failed)
        {
            return;
        }
        // A job queued again by the watchdog (or by Hangfire after a restart) never runs beside one still at work.
        await using var lease = await AssetLease.TryTakeAsync(redis, scopes, assetId, TimeSpan.FromSeconds(Math.Max(3, options.Value.StuckSeconds / 2.0)),
            clock);
        if (lease is null)
        {
            logger.LogInformation("Asset {Asset} is being processed by another job; this one stops", assetId);
            return;
        }
        await db.Entry(asset).ReloadAsync(ct); // the job that held the lease may have finished it since the read above
        if (asset.DeletedAt is not null || asset.Phase is AssetPhase.Ready or AssetPhase.Failed)
        {
            return;
        }
        var task = await db.Tasks.OfAsset(assetId).FirstOrDefaultAsync(ct);
        await SetAsync(asset, task, AssetPhase.Processing, "running", 0, null, ct);
        using var work = storage.NewRunDir(assetId, "process");
        try
        {
            await ProcessAsync(asset, task, work.Path, ct);
        }
        catch (AssetFailedException e)
        {
            logger.LogWarning("Asset {Asset} failed: {Error}", assetId, e.Message);
            await FailAsync(asset, task, e.Message, ct);
        }
        catch (Exception e) when (e is FfmpegException or IOException or InvalidDataException or JsonException)
        {
            logger.LogWarning(e, "Asset {Asset} failed", assetId);
            await FailAsync(asset, task, $"processing failed: {e.Message}", ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Never leave an asset processing forever: say so, and keep the details in the log.
            logger.LogError(e, "Asset {Asset} failed unexpectedly", assetId);
            await FailAsync(asset, task, "processing failed because of an internal error; upload the file again", CancellationToken.None);
        }
        finally
        {
            storage.RemoveEmptyWorkDir(assetId);
        }
    }

    private async Task ProcessAsync(Asset asset, AssetTask? task, string work, CancellationToken ct)
    {
        if (asset.SourceType == "recording")
        {
            await ProcessRecordingAsync(asset, task, work, ct);
            return;
        }
        var source = Path.Combine(work, "source");
        if (!await store.DownloadAsync(MediaKeys.AssetInput(asset.Id), source, ct))
        {
            throw new AssetFailedException("the uploaded file is missing; upload it again");
        }
        if (new FileInfo(source).Length == 0)
        {
            throw new AssetFailedException("the uploaded file is empty");
        }

        var started = clock.GetTimestamp();
        var (probe, format) = await ProbeAsync(asset, source, knownFormat: null, limitDuration: true, ct);
        var duration = probe.Duration!.Value;
        var ladder = pipeline.Ladder(asset.Profiles, probe);
        var probed = clock.GetElapsedTime(started);
        var chunks = await pipeline.ChunkAsync(source, format, work, probe, ct);
        var chunked = clock.GetElapsedTime(started);
        var results = await TranscodeAllAsync(asset, task, chunks, ladder, ct);
        var transcoded = clock.GetElapsedTime(started);
        await usage.AddAsync(Usage.UsageSubject.ForAsset(asset.ProjectId, asset.Id), clock.GetUtcNow(), sourceSeconds: duration);
        await FinishAsync(asset, task, ladder, results, source, format, duration, work, ct);
        logger.LogDebug("Asset {Asset}: ms after its source was fetched: probed {Probed:0}, chunked {Chunked:0}, transcoded {Transcoded:0}, " +
            "finished {Finished:0}", asset.Id, probed.TotalMilliseconds, chunked.TotalMilliseconds, transcoded.TotalMilliseconds,
            clock.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>The source's facts (<see cref="VodPipeline.ProbeAsync"/>), kept as the asset's videoSpec.</summary>
    private async Task<(MediaProbe Probe, string Format)> ProbeAsync(Asset asset, string source, string? knownFormat, bool limitDuration,
        CancellationToken ct)
    {
        var (probe, format) = await pipeline.ProbeAsync(source, knownFormat, limitDuration, ct);
        asset.VideoSpec = JsonSerializer.Serialize(new
        {
            format = probe.FormatName,
            duration = probe.Duration,
            bitrate = probe.Bitrate,
            tracks = probe.Tracks?.Select(t => new
            {
                type = t.Type, codec = t.Codec, startTime = t.StartTime, duration = t.Duration, bitrate = t.Bitrate, width = t.Width,
                height = t.Height, pixelFormat = t.PixelFormat, fps = t.Fps, channels = t.Channels, sampleRate = t.SampleRate, bitDepth = t.BitDepth,
            }),
        }, GatewayJson.Options);
        await db.SaveChangesAsync(ct);
        return (probe, format);
    }

    /// <summary>
    /// The end every asset shares: HLS VOD playlists, thumbnails, static MP4s when asked for, and the asset ready with
    /// <c>asset.ready</c> and <c>task.completed</c> (and <c>recording.ready</c> for a recording) in one commit.
    /// </summary>
    private async Task FinishAsync(Asset asset, AssetTask? task, List<Rendition> ladder, Dictionary<long, ChunkResult> results, string source,
        string format, double duration, string work, CancellationToken ct)
    {
        await WritePlaylistsAsync(asset, ladder, results);
        await downloads.MakeThumbnailsAsync(asset, source, format, duration, work, ct);
        asset.HasThumbnails = true;
        if (asset.StaticMp4)
        {
            asset.Mp4s = JsonSerializer.Serialize(await downloads.MakeMp4sAsync(asset, ladder, results.Keys.Order().ToList(), work, ct), GatewayJson.Options);
        }

        var now = clock.GetUtcNow();
        asset.Phase = AssetPhase.Ready;
        asset.HasPlayback = true;
        asset.Progress = 1;
        asset.ErrorMessage = null;
        asset.UpdatedAt = now;
        var recordingReady = await RecordingReadyAsync(asset, now, ct);
        await events.CommitAsync(db, asset, "asset.ready", task, "task.completed", t =>
        {
            t.Phase = "completed";
            t.Progress = 1;
            t.Output = JsonSerializer.Serialize(new { upload = new { assetSpec = AssetResource.From(asset, asset.PublicBase ?? "") } }, GatewayJson.Options);
        }, now, ct);
        if (recordingReady is not null)
        {
            events.Publish([recordingReady]);
        }
        await redis.GetDatabase().KeyDeleteAsync(DoneKey(asset.Id));
        logger.LogInformation("Asset {Asset} is ready: {Chunks} chunks, {Renditions} renditions", asset.Id, results.Count, ladder.Count);
    }

    /// <summary>The chunks not yet done (those done are kept in Redis), with each rendition stored as it comes and progress as chunks finish.</summary>
    private async Task<Dictionary<long, ChunkResult>> TranscodeAllAsync(Asset asset, AssetTask? task, List<VodChunk> chunks, List<Rendition> ladder,
        CancellationToken ct)
    {
        var redisDb = redis.GetDatabase();
        var done = new Dictionary<long, ChunkResult>();
        foreach (var entry in await redisDb.HashGetAllAsync(DoneKey(asset.Id)))
        {
            done[long.Parse((string)entry.Name!, CultureInfo.InvariantCulture)] = JsonSerializer.Deserialize<ChunkResult>((string)entry.Value!)!;
        }
        return await pipeline.TranscodeAllAsync(Work(asset), chunks, ladder, done, KeepAsync(asset), async (seq, result, share) =>
        {
            await redisDb.HashSetAsync(DoneKey(asset.Id), seq.ToString(CultureInfo.InvariantCulture), JsonSerializer.Serialize(result));
            await redisDb.KeyExpireAsync(DoneKey(asset.Id), TimeSpan.FromDays(2));
            await ProgressAsync(asset.Id, task?.Id, Math.Round(0.95 * share, 3));
        }, ct);
    }

    private static VodWork Work(Asset asset) => new(asset.Id, asset.PlaybackId, Usage.UsageSubject.ForAsset(asset.ProjectId, asset.Id));

    /// <summary>Stores a rendition of a chunk as the asset's VOD segment.</summary>
    private Func<long, Rendition, string, Task> KeepAsync(Asset asset) => (seq, rendition, path) =>
        store.PutFileAsync(MediaKeys.VodSegment(asset.PlaybackId, rendition.Name, seq), path, CancellationToken.None);

    private Task WritePlaylistsAsync(Asset asset, List<Rendition> ladder, Dictionary<long, ChunkResult> results) =>
        VodPipeline.WritePlaylistsAsync(ladder, results, (rendition, text) =>
            PutTextAsync(rendition is null ? MediaKeys.VodMaster(asset.PlaybackId) : MediaKeys.VodMedia(asset.PlaybackId, rendition), text));

    private async Task PutTextAsync(string key, string text)
    {
        var file = Path.Combine(Path.GetTempPath(), $"sg-playlist-{Guid.NewGuid():N}.m3u8");
        await File.WriteAllTextAsync(file, text);
        await store.PutFileAsync(key, file, CancellationToken.None);
    }

    /// <summary>
    /// Progress goes straight to the rows, so that polling clients see it move; no event per step. Chunks finish side
    /// by side, so each update has its own context (a DbContext serves one operation at a time).
    /// </summary>
    private async Task ProgressAsync(Guid assetId, Guid? taskId, double progress)
    {
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        await db.Assets.Where(a => a.Id == assetId && a.Phase == AssetPhase.Processing)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Progress, progress).SetProperty(a => a.UpdatedAt, now));
        if (taskId is { } id)
        {
            await db.Tasks.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Progress, progress).SetProperty(t => t.UpdatedAt, now));
        }
    }

    private async Task SetAsync(Asset asset, AssetTask? task, string assetPhase, string taskPhase, double? progress, string? error, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        asset.Phase = assetPhase;
        asset.Progress = progress;
        asset.ErrorMessage = error;
        asset.UpdatedAt = now;
        await events.CommitAsync(db, asset, "asset.updated", task, "task.updated", t =>
        {
            t.Phase = taskPhase;
            t.Progress = progress;
            t.ErrorMessage = error;
        }, now, ct);
    }

    private async Task FailAsync(Asset asset, AssetTask? task, string message, CancellationToken ct)
    {
        // Re-read: the asset may have been deleted while it was processing.
        await db.Entry(asset).ReloadAsync(ct);
        if (asset.DeletedAt is not null)
        {
            return;
        }
        await events.FailAsync(db, asset, task, message, clock.GetUtcNow(), ct);
        await redis.GetDatabase().KeyDeleteAsync(DoneKey(asset.Id));
    }
}
