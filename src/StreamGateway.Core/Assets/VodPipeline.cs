using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Transcoding;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Media.Hls;
using StreamGateway.Network.Transport;

namespace StreamGateway.Core.Assets;

/// <summary>One keyframe-aligned piece of a file, as MPEG-TS on local disk.</summary>
public sealed record VodChunk(long Seq, string Path, double Duration);

/// <summary>What the orchestrators made of one chunk: its length and each rendition's facts.</summary>
public sealed record ChunkResult(double Duration, Dictionary<string, RenditionOut> Renditions);

public sealed record RenditionOut(long Size, int Width, int Height, string? Codecs);

/// <summary>Whose chunks these are: the key orchestrator sessions are kept under, the name in logs, and where usage is counted.</summary>
public sealed record VodWork(Guid Key, string Label, Usage.UsageSubject Usage);

/// <summary>
/// The steps every file takes to become renditions, whoever asked (an asset, a recording, a transcode task): probe
/// it, cut it into keyframe-aligned chunks, send each chunk through the orchestrator path live segments take
/// (selection, tickets, verification), and write HLS VOD playlists over the results. Where the renditions are kept
/// is the caller's: each file is handed to its <c>keep</c> callback while it still exists.
/// </summary>
public sealed class VodPipeline(
    SegmentTranscoder transcoder,
    Usage.UsageRecorder usage,
    IOptions<AssetOptions> options,
    IOptions<Streams.MediaLimitsOptions> limits,
    TimeProvider clock,
    ILogger<VodPipeline> logger)
{
    /// <summary>
    /// ffprobe of the source, checked for a video track and a duration. An upload's container is detected, and must be
    /// one of <see cref="AssetOptions.AllowedContainerFormats"/>: a playlist or list would have ffmpeg open the files and
    /// URLs it names.
    /// </summary>
    /// <param name="knownFormat">The source's container where the gateway made the file (a recording); null for an upload.</param>
    /// <returns>The facts, and the demuxer every later ffmpeg run on the source must be forced to.</returns>
    public async Task<(MediaProbe Probe, string Format)> ProbeAsync(string source, string? knownFormat, bool limitDuration, CancellationToken ct)
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
        return (probe, knownFormat ?? ContainerFormats.Demuxer(probe.FormatName!));
    }

    /// <summary>The ladder for <paramref name="profilesJson"/> (null: the default one) over this source, checked against the limits.</summary>
    public List<Rendition> Ladder(string? profilesJson, MediaProbe probe)
    {
        var sourceBitrate = probe.Tracks?.FirstOrDefault(t => t.Type == "video")?.Bitrate ?? probe.Bitrate ?? 0;
        var ladder = VodLadder.For(profilesJson, probe.Width!.Value, probe.Height!.Value, sourceBitrate);
        if (profilesJson is not null && VodLadder.CheckRequested(ladder, probe.FrameRate, limits.Value) is { } outOfBounds)
        {
            throw new AssetFailedException(outOfBounds);
        }
        return ladder;
    }

    private AssetFailedException UnsupportedContainer(string formatName) =>
        new($"unsupported container format '{ContainerFormats.Demuxer(formatName)}'; upload a video file in one of these containers: " +
            string.Join(", ", ContainerFormats.Names(options.Value.AllowedContainerFormats)));

    /// <summary>Keyframe-aligned chunks, cut without re-encoding where MPEG-TS can carry the codecs.</summary>
    /// <param name="segmentSeconds">The length chunks aim at; null for <see cref="AssetOptions.SegmentSeconds"/>.</param>
    public async Task<List<VodChunk>> ChunkAsync(string source, string format, string work, MediaProbe probe, CancellationToken ct,
        double? segmentSeconds = null)
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
                await FfmpegProcess.RunAsync(o.FfmpegPath, FfmpegArguments.Chunks(source, format, segmentSeconds ?? o.SegmentSeconds, Path.Combine(dir, "%05d.ts"), list, reencode),
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
                return new VodChunk(i, Path.Combine(dir, parts[0]), seconds);
            }).Where(c => c.Duration > 0.01 && new FileInfo(c.Path).Length > 0).ToList();
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
            var held = chunks.Sum(c => c.Duration);
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
    private static string? ChunkTooLarge(List<VodChunk> chunks, AssetOptions o)
    {
        var longest = chunks.MaxBy(c => c.Duration)!;
        if (longest.Duration > o.MaxChunkSeconds)
        {
            return string.Create(CultureInfo.InvariantCulture, $"a chunk of {longest.Duration:0.0} s between keyframes (at most {o.MaxChunkSeconds} s)");
        }
        var largest = chunks.Max(c => new FileInfo(c.Path).Length);
        return largest > o.MaxChunkBytes
            ? string.Create(CultureInfo.InvariantCulture, $"a chunk of {largest} bytes (at most {o.MaxChunkBytes})")
            : null;
    }

    /// <summary>
    /// Every chunk not in <paramref name="done"/>, <see cref="AssetOptions.ParallelSegments"/> at a time; the first
    /// failure stops the rest. <paramref name="finished"/> hears of each chunk as it completes, with the share of all
    /// chunks now done.
    /// </summary>
    public async Task<Dictionary<long, ChunkResult>> TranscodeAllAsync(VodWork work, IReadOnlyList<VodChunk> chunks, IReadOnlyList<Rendition> ladder,
        Dictionary<long, ChunkResult> done, Func<long, Rendition, string, Task> keep, Func<long, ChunkResult, double, Task> finished, CancellationToken ct)
    {
        var results = new Dictionary<long, ChunkResult>(done);
        using var gate = new SemaphoreSlim(options.Value.ParallelSegments);
        var progressLock = new Lock();
        string? failure = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Task.WhenAll(chunks.Where(c => !results.ContainsKey(c.Seq)).Select(async chunk =>
        {
            await gate.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                var bytes = await File.ReadAllBytesAsync(chunk.Path, stop.Token);
                var result = await TranscodeChunkAsync(work, chunk.Seq, bytes, chunk.Duration, ladder, keep, stop.Token);
                double share;
                lock (progressLock)
                {
                    results[chunk.Seq] = result;
                    share = (double)results.Count / chunks.Count;
                }
                await finished(chunk.Seq, result, share);
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

    /// <summary>One chunk through the orchestrators; each rendition file goes to <paramref name="keep"/> (chunk, rendition, local path).</summary>
    public async Task<ChunkResult> TranscodeChunkAsync(VodWork work, long seq, byte[] bytes, double duration, IReadOnlyList<Rendition> ladder,
        Func<long, Rendition, string, Task> keep, CancellationToken ct)
    {
        string? failure = null;
        // VOD can wait where live cannot: up to three rounds of attempts, each on up to MaxAttempts orchestrators.
        for (var round = 0; round < 3; round++)
        {
            var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(60, 10 * duration));
            var attempt = new SegmentAttempt(work.Key, work.Key, work.Label, seq, bytes, duration, ladder, deadline);
            ChunkResult? result = null;
            failure = await transcoder.TranscodeAsync(attempt, async made =>
            {
                var outs = new Dictionary<string, RenditionOut>();
                foreach (var (asked, path, facts) in made.Files)
                {
                    var size = new FileInfo(path).Length;
                    await keep(seq, asked, path);
                    outs[asked.Name] = new RenditionOut(size, facts.Width, facts.Height, facts.Codecs);
                }
                await usage.AddAsync(work.Usage, clock.GetUtcNow(), transcodedSeconds: duration, outputPixels: made.Pixels, paidWei: made.PaidWei);
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

    /// <summary>
    /// HLS VOD playlists over the results: each rendition's media playlist (<c>{rendition}/index.m3u8</c> listing
    /// <c>{seq}.ts</c>) and the master that lists them, handed to <paramref name="put"/> by their path under the output.
    /// </summary>
    public static async Task WritePlaylistsAsync(IReadOnlyList<Rendition> ladder, Dictionary<long, ChunkResult> results, Func<string?, string, Task> put)
    {
        var ordered = results.OrderBy(r => r.Key).ToList();
        var variants = new List<HlsVariant>();
        foreach (var rendition in ladder)
        {
            var segments = ordered.Select(r => new HlsSegment(r.Key, r.Value.Duration, $"{r.Key}.ts", Discontinuity: false)).ToList();
            await put(rendition.Name, HlsPlaylist.Media(segments, (int)Math.Ceiling(ordered.Max(r => r.Value.Duration)), 0, ended: true, vod: true));
            variants.Add(Variant(rendition, ordered, $"{rendition.Name}/index.m3u8"));
        }
        await put(null, HlsPlaylist.Master(variants));
    }

    /// <summary>A rendition's line in a master playlist: its peak bitrate over the chunks, and the size and codecs the orchestrators reported.</summary>
    public static HlsVariant Variant(Rendition rendition, IReadOnlyList<KeyValuePair<long, ChunkResult>> ordered, string uri)
    {
        var first = ordered[0].Value.Renditions[rendition.Name];
        var peak = ordered.Max(r => r.Value.Renditions[rendition.Name].Size * 8 / Math.Max(0.1, r.Value.Duration));
        return new HlsVariant(uri, (long)peak, first.Width, first.Height,
            rendition.Fps > 0 ? (double)rendition.Fps / Math.Max(1, rendition.FpsDen) : null, first.Codecs);
    }

    /// <summary>ffmpeg's last word on a file, which names the problem, without this machine's paths.</summary>
    public static string LastLine(string text, string path) =>
        (text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no details")
            .Replace(path + ": ", "", StringComparison.Ordinal).Replace(path, "the file", StringComparison.Ordinal);
}
