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
    SegmentTranscoder transcoder,
    VodDownloads downloads,
    Live.SessionSegments segments,
    Usage.UsageRecorder usage,
    IConnectionMultiplexer redis,
    IServiceScopeFactory scopes,
    IBackgroundJobClient jobs,
    IOptions<AssetOptions> options,
    IOptions<Streams.MediaLimitsOptions> limits,
    IOptions<HlsOptions> hls,
    TimeProvider clock,
    ILogger<ProcessAsset> logger)
{
    private sealed record ChunkResult(double Duration, Dictionary<string, RenditionOut> Renditions);

    private sealed record RenditionOut(long Size, int Width, int Height, string? Codecs);

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
        var o = options.Value;
        var source = Path.Combine(work, "source");
        if (!await store.DownloadAsync(MediaKeys.AssetInput(asset.Id), source, ct))
        {
            throw new AssetFailedException("the uploaded file is missing; upload it again");
        }
        if (new FileInfo(source).Length == 0)
        {
            throw new AssetFailedException("the uploaded file is empty");
        }

        var (probe, format) = await ProbeAsync(asset, source, knownFormat: null, limitDuration: true, ct);
        var duration = probe.Duration!.Value;

        var sourceBitrate = probe.Tracks?.FirstOrDefault(t => t.Type == "video")?.Bitrate ?? probe.Bitrate ?? 0;
        var ladder = VodLadder.For(asset.Profiles, probe.Width!.Value, probe.Height!.Value, sourceBitrate);
        if (asset.Profiles is not null && VodLadder.CheckRequested(ladder, probe.FrameRate, limits.Value) is { } outOfBounds)
        {
            throw new AssetFailedException(outOfBounds);
        }
        var chunks = await ChunkAsync(source, format, work, probe, ct);
        var results = await TranscodeAllAsync(asset, task, chunks, ladder, ct);
        await usage.AddAsync(Usage.UsageSubject.ForAsset(asset.ProjectId, asset.Id), clock.GetUtcNow(), sourceSeconds: duration);
        await FinishAsync(asset, task, ladder, results, source, format, duration, work, ct);
    }

    /// <summary>
    /// ffprobe of the source, checked for a video track and a duration; its facts become the asset's videoSpec. An
    /// upload's container is detected, and must be one of <see cref="AssetOptions.AllowedContainerFormats"/>: a playlist
    /// or list would have ffmpeg open the files and URLs it names.
    /// </summary>
    /// <param name="knownFormat">The source's container where the gateway made the file (a recording); null for an upload.</param>
    /// <returns>The facts, and the demuxer every later ffmpeg run on the source must be forced to.</returns>
    private async Task<(MediaProbe Probe, string Format)> ProbeAsync(Asset asset, string source, string? knownFormat, bool limitDuration,
        CancellationToken ct)
    {
        var o = options.Value;
        MediaProbe probe;
        try
        {
            probe = MediaProbe.Parse(await FfmpegProcess.RunAsync(o.FfprobePath, knownFormat is null
                ? FfmpegArguments.ProbeUnknownStreams(source, o.AllowedContainerFormats)
                : FfmpegArguments.ProbeStreams(source, knownFormat), TimeSpan.FromMinutes(2), ct));
        }
        catch (FfmpegException e) when (!e.TimedOut)
        {
            if (knownFormat is null && ContainerFormats.RefusedDemuxer(e.StderrTail) is { } refused)
            {
                throw UnsupportedContainer(refused);
            }
            throw new AssetFailedException($"the file is not a video this service can read ({LastLine(e.StderrTail, source)})");
        }
        // ffprobe's whitelist has already refused any other; this says so in our own words, whatever ffprobe did.
        if (knownFormat is null && !ContainerFormats.Allows(o.AllowedContainerFormats, probe.FormatName))
        {
            throw UnsupportedContainer(probe.FormatName ?? "unknown");
        }
        if (!probe.HasVideo || probe.Width is not > 0 || probe.Height is not > 0)
        {
            throw new AssetFailedException(probe.HasAudio
                ? "the file has no video track (audio-only assets are not supported)"
                : "the file has no video track this service can read");
        }
        if (Streams.StreamRules.CheckSourceSize(probe.Width.Value, probe.Height.Value, limits.Value) is { } tooLarge)
        {
            throw new AssetFailedException(tooLarge);
        }
        var duration = probe.Duration ?? 0;
        if (duration <= 0)
        {
            throw new AssetFailedException("the file's duration cannot be read; it may be truncated");
        }
        if (limitDuration && duration > o.MaxDurationSeconds)
        {
            throw new AssetFailedException(string.Create(CultureInfo.InvariantCulture,
                $"the video lasts {duration:0} s, longer than the {o.MaxDurationSeconds} s limit"));
        }
        asset.VideoSpec = JsonSerializer.Serialize(new
        {
            format = probe.FormatName,
            duration,
            bitrate = probe.Bitrate,
            tracks = probe.Tracks?.Select(t => new
            {
                type = t.Type, codec = t.Codec, startTime = t.StartTime, duration = t.Duration, bitrate = t.Bitrate, width = t.Width,
                height = t.Height, pixelFormat = t.PixelFormat, fps = t.Fps, channels = t.Channels, sampleRate = t.SampleRate, bitDepth = t.BitDepth,
            }),
        }, GatewayJson.Options);
        await db.SaveChangesAsync(ct);
        return (probe, knownFormat ?? ContainerFormats.Demuxer(probe.FormatName!));
    }

    private AssetFailedException UnsupportedContainer(string formatName) =>
        new($"unsupported container format '{ContainerFormats.Demuxer(formatName)}'; upload a video file in one of these containers: " +
            string.Join(", ", ContainerFormats.Names(options.Value.AllowedContainerFormats)));

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

    /// <summary>Keyframe-aligned chunks, cut without re-encoding where MPEG-TS can carry the codecs.</summary>
    private async Task<List<(long Seq, string Path, double Duration)>> ChunkAsync(string source, string format, string work, MediaProbe probe,
        CancellationToken ct)
    {
        var o = options.Value;
        var copyable = probe.VideoCodec is "h264" or "hevc" or "mpeg2video" && probe.AudioCodec is null or "aac" or "mp3" or "ac3" or "eac3" or "mp2";
        foreach (var reencode in copyable ? new[] { false, true } : [true])
        {
            var dir = Path.Combine(work, reencode ? "chunks-h264" : "chunks");
            Directory.CreateDirectory(dir);
            var list = Path.Combine(dir, "list.csv");
            try
            {
                await FfmpegProcess.RunAsync(o.FfmpegPath, FfmpegArguments.Chunks(source, format, o.SegmentSeconds, Path.Combine(dir, "%05d.ts"), list, reencode),
                    TimeSpan.FromSeconds(Math.Max(120, 4 * (probe.Duration ?? 0))), ct);
            }
            catch (FfmpegException e) when (!reencode && !e.TimedOut)
            {
                logger.LogInformation("Cutting {Source} without re-encoding failed, re-encoding it: {Error}", source, e.Message);
                continue;
            }
            catch (FfmpegException e) when (!e.TimedOut)
            {
                throw new AssetFailedException($"the video cannot be decoded ({LastLine(e.StderrTail, source)}); it may be damaged or truncated");
            }
            var chunks = File.ReadAllLines(list).Select((line, i) =>
            {
                var parts = line.Split(',');
                var seconds = double.Parse(parts[2], CultureInfo.InvariantCulture) - double.Parse(parts[1], CultureInfo.InvariantCulture);
                return ((long)i, Path.Combine(dir, parts[0]), seconds);
            }).Where(c => c.seconds > 0.01 && new FileInfo(c.Item2).Length > 0).ToList();
            if (chunks.Count == 0)
            {
                throw new AssetFailedException("the video has no frames that can be decoded");
            }
            if (ChunkTooLarge(chunks, o) is { } large)
            {
                if (reencode)
                {
                    throw new AssetFailedException($"the video cannot be cut into small enough segments: {large}");
                }
                logger.LogInformation("Cutting {Source} at its keyframes made {Large}; re-encoding it", source, large);
                continue;
            }
            // A file cut off in transit still declares its full length in its header; what is really there is shorter.
            var held = chunks.Sum(c => c.seconds);
            if (probe.Duration is { } declared && held < 0.9 * declared - 1)
            {
                throw new AssetFailedException(string.Create(CultureInfo.InvariantCulture,
                    $"the file is truncated: it holds {held:0.0} s of the {declared:0.0} s its header declares; upload the whole file"));
            }
            return chunks;
        }
        throw new AssetFailedException("the video cannot be cut into segments");
    }

    /// <summary>Null when every chunk is within <see cref="AssetOptions.MaxChunkSeconds"/> and <see cref="AssetOptions.MaxChunkBytes"/>.</summary>
    private static string? ChunkTooLarge(List<(long Seq, string Path, double Seconds)> chunks, AssetOptions o)
    {
        var longest = chunks.MaxBy(c => c.Seconds);
        if (longest.Seconds > o.MaxChunkSeconds)
        {
            return string.Create(CultureInfo.InvariantCulture, $"a chunk of {longest.Seconds:0.0} s between keyframes (at most {o.MaxChunkSeconds} s)");
        }
        var largest = chunks.Max(c => new FileInfo(c.Path).Length);
        return largest > o.MaxChunkBytes
            ? string.Create(CultureInfo.InvariantCulture, $"a chunk of {largest} bytes (at most {o.MaxChunkBytes})")
            : null;
    }

    private async Task<Dictionary<long, ChunkResult>> TranscodeAllAsync(Asset asset, AssetTask? task, List<(long Seq, string Path, double Duration)> chunks,
        List<Rendition> ladder, CancellationToken ct)
    {
        var redisDb = redis.GetDatabase();
        var results = new Dictionary<long, ChunkResult>();
        foreach (var entry in await redisDb.HashGetAllAsync(DoneKey(asset.Id)))
        {
            results[long.Parse((string)entry.Name!, CultureInfo.InvariantCulture)] = JsonSerializer.Deserialize<ChunkResult>((string)entry.Value!)!;
        }
        var gate = new SemaphoreSlim(options.Value.ParallelSegments);
        var progressLock = new Lock();
        string? failure = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Task.WhenAll(chunks.Where(c => !results.ContainsKey(c.Seq)).Select(async chunk =>
        {
            await gate.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                var bytes = await File.ReadAllBytesAsync(chunk.Path, stop.Token);
                var result = await TranscodeChunkAsync(asset, chunk.Seq, bytes, chunk.Duration, ladder, stop.Token);
                await redisDb.HashSetAsync(DoneKey(asset.Id), chunk.Seq.ToString(CultureInfo.InvariantCulture), JsonSerializer.Serialize(result));
                await redisDb.KeyExpireAsync(DoneKey(asset.Id), TimeSpan.FromDays(2));
                double progress;
                lock (progressLock)
                {
                    results[chunk.Seq] = result;
                    progress = Math.Round(0.95 * results.Count / chunks.Count, 3);
                }
                await ProgressAsync(asset.Id, task?.Id, progress);
            }
            catch (AssetFailedException e)
            {
                failure ??= e.Message;
                await stop.CancelAsync();
            }
            catch (OperationCanceledException) when (failure is not null)
            {
                // another chunk failed first
            }
            finally
            {
                gate.Release();
            }
        }));
        if (failure is not null)
        {
            throw new AssetFailedException(failure);
        }
        return results;
    }

    private async Task<ChunkResult> TranscodeChunkAsync(Asset asset, long seq, byte[] bytes, double duration, List<Rendition> ladder,
        CancellationToken ct)
    {
        string? failure = null;
        // VOD can wait where live cannot: up to three rounds of attempts, each on up to MaxAttempts orchestrators.
        for (var round = 0; round < 3; round++)
        {
            var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(60, 10 * duration));
            var attempt = new SegmentAttempt(asset.Id, asset.Id, asset.PlaybackId, seq, bytes, duration, ladder, deadline);
            ChunkResult? result = null;
            failure = await transcoder.TranscodeAsync(attempt, async done =>
            {
                var outs = new Dictionary<string, RenditionOut>();
                foreach (var (asked, path, facts) in done.Files)
                {
                    var size = new FileInfo(path).Length;
                    await store.PutFileAsync(MediaKeys.VodSegment(asset.PlaybackId, asked.Name, seq), path, CancellationToken.None);
                    outs[asked.Name] = new RenditionOut(size, facts.Width, facts.Height, facts.Codecs);
                }
                await usage.AddAsync(Usage.UsageSubject.ForAsset(asset.ProjectId, asset.Id), clock.GetUtcNow(), transcodedSeconds: duration,
                    outputPixels: done.Pixels, paidWei: done.PaidWei);
                result = new ChunkResult(duration, outs);
            }, ct);
            if (result is not null)
            {
                return result;
            }
            await Task.Delay(TimeSpan.FromSeconds(2 << round), clock, ct);
        }
        throw new AssetFailedException($"transcoding failed: {failure}");
    }

    private async Task WritePlaylistsAsync(Asset asset, List<Rendition> ladder, Dictionary<long, ChunkResult> results)
    {
        var ordered = results.OrderBy(r => r.Key).ToList();
        var variants = new List<HlsVariant>();
        foreach (var rendition in ladder)
        {
            var segments = ordered.Select(r => new HlsSegment(r.Key, r.Value.Duration, $"{r.Key}.ts", Discontinuity: false)).ToList();
            var media = HlsPlaylist.Media(segments, (int)Math.Ceiling(ordered.Max(r => r.Value.Duration)), 0, ended: true, vod: true);
            await PutTextAsync(MediaKeys.VodMedia(asset.PlaybackId, rendition.Name), media);
            var outs = ordered.Select(r => r.Value.Renditions[rendition.Name]).ToList();
            var peak = ordered.Max(r => r.Value.Renditions[rendition.Name].Size * 8 / Math.Max(0.1, r.Value.Duration));
            variants.Add(new HlsVariant($"{rendition.Name}/index.m3u8", (long)peak, outs[0].Width, outs[0].Height,
                rendition.Fps > 0 ? (double)rendition.Fps / Math.Max(1, rendition.FpsDen) : null, outs[0].Codecs));
        }
        await PutTextAsync(MediaKeys.VodMaster(asset.PlaybackId), HlsPlaylist.Master(variants));
    }

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

    /// <summary>ffmpeg's last word on a file, which names the problem, without this machine's paths.</summary>
    private static string LastLine(string text, string path) =>
        (text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no details")
            .Replace(path + ": ", "", StringComparison.Ordinal).Replace(path, "the file", StringComparison.Ordinal);
}
