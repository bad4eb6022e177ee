using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StreamGateway.Core.Data;
using StreamGateway.Core.Storage;
using StreamGateway.Core.Streams;
using StreamGateway.Core.Transcoding;
using StreamGateway.Core.Usage;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Media.Flv;
using StreamGateway.Media.Rtmp;
using StreamGateway.Media.Ts;

namespace StreamGateway.Core.Live;

/// <summary>
/// One publish's media path: FLV tags from the RTMP connection are cut into keyframe-aligned MPEG-TS segments, by our
/// own muxer in this process (<see cref="TsSegmenter"/>, <see cref="LiveSegmenterKind.Native"/>) or by an ffmpeg child
/// (<c>-c copy</c>) when so configured or when the publish carries a codec the muxer does not; each finished segment moves to the segment store, joins the live playlist
/// and updates the stream's and session's statistics and health. The first segment marks the stream live
/// (<c>stream.started</c>); the end of the publish ends the playlist and marks it idle (<c>stream.idle</c>). Every
/// database write is a <see cref="DurableWrites"/> of the session: the media goes on while PostgreSQL is away, and
/// the writes, events included, land when it is back. A publish is ended with a stream issue when its source picture
/// is larger than <see cref="MediaLimitsOptions.MaxSourcePixels"/>, or when a segment cannot end: no keyframe for
/// <see cref="IngestOptions.KeyframeTimeoutSeconds"/>, or <see cref="IngestOptions.MaxSegmentBytes"/> sent into it.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable",
    Justification = "A publish sink's end is CompleteAsync, which the RTMP session always calls; it disposes what the publish opened.")]
internal sealed class LiveSegmenter(
    StreamKeyInfo stream,
    Guid sessionId,
    CancellationTokenSource connection,
    IngestOptions options,
    MediaLimitsOptions limits,
    LivePublishers publishers,
    LiveRenditions renditions,
    LiveStatistics statistics,
    LiveSessionEnd end,
    LiveTranscoding transcoding,
    SessionSegments segments,
    UsageRecorder usage,
    DurableWrites writes,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<LiveSegmenter> logger) : IRtmpPublishSink
{
    /// <summary>Media is held back until the tracks are known, at most this many messages or this much media time.</summary>
    private const int MaxHeldMessages = 300;
    private const uint MaxHeldMilliseconds = 1500;

    private readonly List<(RtmpMessageKind Kind, uint Timestamp, byte[] Payload)> _held = [];
    private readonly ArrayBufferWriter<byte> _tag = new(64 * 1024);
    private readonly StreamHealth _health = new();
    private readonly string _workDir = Path.Combine(Path.GetFullPath(options.WorkDir), sessionId.ToString("N"));
    private FfmpegProcess? _ffmpeg;
    private TsSegmenter? _native;
    private TsSegmentFiles? _files;
    private Task? _reader;
    private bool _metadataSaysVideo, _metadataSaysAudio, _metadataSeen, _sawVideo, _sawAudio, _failed;
    private string? _videoCodec, _audioCodec;
    private int _segments;
    /// <summary>When the last video keyframe (or, before one, the first video message) arrived; null before any video.</summary>
    private long? _keyframeAt;
    /// <summary>Its media timestamp.</summary>
    private long _keyframeMediaMs;
    /// <summary>Bytes sent since the last segment closed; added to by the publish, reset by the segment reader.</summary>
    private long _segmentBytes;
    private long _heldBytes;
    private IReadOnlyList<Rendition> _ladder = [];
    /// <summary>The ladder as the master playlist announces it, before the renditions exist.</summary>
    private IReadOnlyList<LiveVariant> _variants = [];
    private RenditionInfo _source = new(null, null, null, null);
    /// <summary>Wall-clock time (Unix ms) of media time 0, fixed when the first segment closes.</summary>
    private double? _originMs;

    public async ValueTask WriteAsync(RtmpMediaMessage message, CancellationToken ct)
    {
        if (_failed)
        {
            return;
        }
        var payload = message.Payload.Span;
        switch (message.Kind)
        {
            case RtmpMessageKind.Video when payload.Length > 0:
                _sawVideo = true;
                // A sequence header is flagged as a keyframe but starts no picture.
                var keyframe = FlvVideo.IsKeyframe(payload) && !FlvVideo.IsAvcSequenceHeader(payload);
                _health.OnVideo(message.Timestamp, keyframe);
                if (keyframe || _keyframeAt is null)
                {
                    _keyframeAt = clock.GetTimestamp();
                    _keyframeMediaMs = message.Timestamp;
                }
                _videoCodec = FlvVideo.AvcCodecString(payload) ?? _videoCodec;
                break;
            case RtmpMessageKind.Audio when payload.Length > 0:
                _sawAudio = true;
                _health.OnAudio();
                _audioCodec = FlvAudio.AacCodecString(payload) ?? _audioCodec;
                break;
            case RtmpMessageKind.Data:
                var fields = Amf0.OnMetaDataFields(payload);
                if (fields.Count > 0)
                {
                    _metadataSeen = true;
                    _metadataSaysVideo = fields.ContainsKey("videocodecid") || fields.ContainsKey("width");
                    _metadataSaysAudio = fields.ContainsKey("audiocodecid") || fields.ContainsKey("audiosamplerate");
                }
                break;
        }

        if (SegmentCannotEnd(message.Timestamp, payload.Length) is { } issue)
        {
            await StopAsync(issue);
            return;
        }
        if (!Started)
        {
            _heldBytes += message.Payload.Length;
            if (_heldBytes > options.MaxBufferedBytesPerConnection)
            {
                // At the default cap an honest encoder would need ~90 Mbit/s to get here within the hold; this peer just piles
                // media up in our memory.
                _failed = true;
                _held.Clear();
                logger.LogWarning("Dropped the publisher of stream {StreamId} (session {SessionId}): more than {Limit} bytes of media " +
                                  "before its tracks were known (Ingest:MaxBufferedBytesPerConnection)",
                    stream.StreamId, sessionId, options.MaxBufferedBytesPerConnection);
                await connection.CancelAsync();
                return;
            }
            _held.Add((message.Kind, message.Timestamp, message.Payload.ToArray()));
            if (!TracksKnown(message.Timestamp))
            {
                return;
            }
            await StartAsync(ct);
            return;
        }
        await WriteTagAsync(message.Kind, message.Timestamp, message.Payload, ct);
    }

    /// <summary>
    /// Why the segment being cut can never end well, or null: its video has had no keyframe for too long (a segment
    /// closes only at a keyframe), or too many bytes went into it. Time without a keyframe counts both on the clock and
    /// in media time, and the shorter one is taken: a pause of this process, or a publisher sending faster than real time
    /// (which the byte limit bounds), ends nobody's publish.
    /// </summary>
    private string? SegmentCannotEnd(uint timestamp, int bytes)
    {
        if (_keyframeAt is { } at &&
            Math.Min(clock.GetElapsedTime(at).TotalMilliseconds, timestamp - _keyframeMediaMs) > options.KeyframeTimeoutSeconds * 1000.0)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"Publish ended: no keyframe in {options.KeyframeTimeoutSeconds} s; set the encoder's keyframe interval to 2 s");
        }
        return Interlocked.Add(ref _segmentBytes, bytes) > options.MaxSegmentBytes
            ? string.Create(CultureInfo.InvariantCulture,
                $"Publish ended: more than {options.MaxSegmentBytes / (1024 * 1024)} MiB without a segment boundary; send a keyframe every 2 s")
            : null;
    }

    /// <summary>
    /// Ends the publish with an issue on the stream and its session. The segment ffmpeg is cutting is dropped with it:
    /// it is the one that could not end.
    /// </summary>
    private async Task StopAsync(string issue)
    {
        _failed = true;
        _ffmpeg?.Kill();
        logger.LogWarning("Ending session {SessionId} of stream {StreamId}: {Issue}", sessionId, stream.StreamId, issue);
        statistics.MarkUnhealthy(stream.StreamId, sessionId, issue);
        await connection.CancelAsync();
    }

    private bool Started => _ffmpeg is not null || _native is not null;

    /// <summary>Tracks are known from metadata, from having seen both, or after holding media long enough.</summary>
    private bool TracksKnown(uint latestTimestamp)
    {
        if (_metadataSeen && (_metadataSaysVideo || _metadataSaysAudio))
        {
            return (!_metadataSaysVideo || _sawVideo) && (!_metadataSaysAudio || _sawAudio) || _held.Count >= MaxHeldMessages;
        }
        var first = _held.FirstOrDefault(m => m.Kind != RtmpMessageKind.Data);
        return (_sawVideo && _sawAudio) || _held.Count >= MaxHeldMessages ||
               (first.Payload is not null && latestTimestamp - first.Timestamp >= MaxHeldMilliseconds);
    }

    private async Task StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(_workDir);
        var hasVideo = _sawVideo || (_metadataSeen && _metadataSaysVideo && !_sawAudio);
        var hasAudio = _sawAudio;
        if (options.Segmenter == LiveSegmenterKind.Native && _held.TrueForAll(NativeCarries))
        {
            _files = new TsSegmentFiles(_workDir);
            _native = new TsSegmenter(new TsSegmenterOptions
            {
                HasVideo = hasVideo,
                HasAudio = hasAudio,
                SegmentSeconds = options.SegmentSeconds,
                // SegmentCannotEnd ends the publish first, with the stream issue; this only bounds the muxer's own count.
                MaxSegmentBytes = 2 * options.MaxSegmentBytes,
            }, _files);
            _reader = Task.Run(ReadNativeSegmentsAsync, CancellationToken.None);
        }
        else
        {
            if (options.Segmenter == LiveSegmenterKind.Native)
            {
                logger.LogInformation("Session {SessionId} carries a codec the native segmenter does not; ffmpeg cuts its segments", sessionId);
            }
            _ffmpeg = FfmpegProcess.Start(options.FfmpegPath,
                FfmpegArguments.LiveSegmenter(options.SegmentSeconds, Path.Combine(_workDir, "seg-%d.ts")), _workDir);
            _reader = Task.Run(ReadFfmpegSegmentsAsync, CancellationToken.None);
            await WriteRawAsync(FlvWriter.Header(hasAudio, hasVideo), ct);
        }
        foreach (var (kind, timestamp, payload) in _held)
        {
            await WriteTagAsync(kind, timestamp, payload, ct);
        }
        _held.Clear();
    }

    private static bool NativeCarries((RtmpMessageKind Kind, uint Timestamp, byte[] Payload) message) => message.Kind switch
    {
        RtmpMessageKind.Video => TsSegmenter.CarriesVideo(message.Payload),
        RtmpMessageKind.Audio => TsSegmenter.CarriesAudio(message.Payload),
        _ => true,
    };

    private async Task WriteTagAsync(RtmpMessageKind kind, uint timestamp, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        if (_native is not null)
        {
            await MuxAsync(kind, timestamp, payload.Span);
            return;
        }
        _tag.ResetWrittenCount();
        FlvWriter.WriteTag(_tag, (byte)kind, timestamp, payload.Span);
        await WriteRawAsync(_tag.WrittenMemory, ct);
    }

    private async Task WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        try
        {
            await _ffmpeg!.StandardInput.WriteAsync(bytes, ct);
        }
        catch (IOException)
        {
            // ffmpeg rejected the media and exited: drop the publisher rather than accept media that goes nowhere.
            _failed = true;
            logger.LogWarning("Segmenter for session {SessionId} stopped: {Error}", sessionId, _ffmpeg!.StderrTail.Trim());
            await connection.CancelAsync();
        }
    }

    /// <summary>
    /// One message into the native segmenter. Media it cannot carry (a codec that changes to one it does not, times
    /// that run back, a malformed tag) ends the publish with the reason as the stream's issue; a segment it cannot
    /// write to disk ends it too.
    /// </summary>
    private ValueTask MuxAsync(RtmpMessageKind kind, uint timestamp, ReadOnlySpan<byte> payload)
    {
        try
        {
            switch (kind)
            {
                case RtmpMessageKind.Video:
                    _native!.WriteVideo(timestamp, payload);
                    break;
                case RtmpMessageKind.Audio:
                    _native!.WriteAudio(timestamp, payload);
                    break;
            }
            return ValueTask.CompletedTask;
        }
        catch (TsMuxException e)
        {
            return new ValueTask(StopAsync($"Publish ended: {e.Message}"));
        }
        catch (IOException e)
        {
            logger.LogError(e, "Could not write a segment of session {SessionId}", sessionId);
            return new ValueTask(StopAsync("Publish ended: the gateway could not write its segments"));
        }
    }

    private async Task ReadNativeSegmentsAsync()
    {
        await foreach (var (file, segment) in _files!.Closed.ReadAllAsync())
        {
            await PublishSegmentAsync(file, segment.Start, segment.End);
        }
    }

    private async Task PublishSegmentAsync(string file, double start, double end)
    {
        try
        {
            await OnSegmentAsync(file, start, end);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not publish a segment of session {SessionId}", sessionId);
        }
    }

    private async Task ReadFfmpegSegmentsAsync()
    {
        var output = _ffmpeg!.StandardOutput;
        string? line;
        while ((line = await output.ReadLineAsync()) is not null)
        {
            var parts = line.Split(',');
            if (parts.Length < 3 ||
                !double.TryParse(parts[^2], NumberStyles.Float, CultureInfo.InvariantCulture, out var start) ||
                !double.TryParse(parts[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var end))
            {
                continue;
            }
            await PublishSegmentAsync(Path.Combine(_workDir, Path.GetFileName(string.Join(',', parts[..^2]))), start, end);
        }
    }

    private async Task OnSegmentAsync(string file, double start, double end)
    {
        var duration = end - start;
        var bytes = new FileInfo(file).Length;
        // What was sent since ffmpeg cut this segment is forgotten too: at most what the pipe to ffmpeg holds.
        Interlocked.Exchange(ref _segmentBytes, 0);
        if (_failed)
        {
            return;
        }
        // A segment closes when the keyframe after it arrives, so its end is about now on the wall clock.
        _originMs ??= clock.GetUtcNow().ToUnixTimeMilliseconds() - end * 1000;
        if (_segments == 0 && await DescribeRenditionAsync(file) is { } refused)
        {
            await StopAsync(refused);
            return;
        }
        var index = _segments++;
        var segment = new LiveSegment(stream.PlaybackId, sessionId, MediaKeys.LiveFile(sessionId, index), duration,
            (long)(_originMs.Value + start * 1000), stream.Record);
        var settled = await renditions.PublishAsync(segment, LivePlaylists.Source, file, _source, _variants);
        transcoding.Enqueue(new LiveSegmentWork
        {
            StreamId = stream.StreamId,
            ProjectId = stream.ProjectId,
            SessionId = sessionId,
            PlaybackId = stream.PlaybackId,
            Seq = settled.Sequence,
            Segment = segment.File,
            Duration = duration,
            Discontinuity = settled.Discontinuity,
            KeepAll = stream.Record,
            StartMs = segment.StartMs,
            EnqueuedAtMs = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            Renditions = [.. _ladder],
        });

        Health.GatewayMetrics.SegmentsIngested.Add(1);
        var issues = _health.OnSegment(duration, bytes);
        if (await transcoding.IssueAsync(sessionId) is { } transcodeIssue)
        {
            issues = [.. issues, transcodeIssue];
        }
        // The database writes are queued behind the session's start and land even if PostgreSQL is away for a while:
        // the next segment does not wait for them.
        if (index == 0)
        {
            var since = clock.GetUtcNow();
            _ = writes.Run(sessionId, "stream live", async ct =>
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<StreamActivity>().MarkActiveAsync(stream.StreamId, sessionId, since, ct);
            });
        }
        statistics.AddSource(stream.StreamId, sessionId, duration, bytes, issues);
        var at = clock.GetUtcNow();
        _ = writes.Run(sessionId, "usage", _ => usage.AddAsync(UsageSubject.ForStream(stream.ProjectId, stream.StreamId), at, sourceSeconds: duration));
    }

    /// <summary>
    /// Resolution and frame rate of the first segment, read from its bytes when our muxer wrote H.264 (or audio only),
    /// else from ffprobe; codec strings from the FLV sequence headers. Returns why the source cannot be taken (a picture
    /// too large), or null.
    /// </summary>
    private async Task<string?> DescribeRenditionAsync(string file)
    {
        var probe = _native is not null ? await ReadFirstSegmentAsync(file) : null;
        probe ??= await ProbeFirstSegmentAsync(file);
        if (probe is { Width: { } width, Height: { } height } && StreamRules.CheckSourceSize(width, height, limits) is { } tooLarge)
        {
            return $"Publish ended: {tooLarge}";
        }
        _ladder = transcoding.Enabled && probe is { HasVideo: true } ? LiveLadder.For(stream.Profiles, probe.Width, probe.Height) : [];
        var codecs = string.Join(',', new[] { _videoCodec, _audioCodec }.Where(c => c is not null));
        _source = new RenditionInfo(probe?.Width, probe?.Height, probe?.FrameRate, codecs.Length > 0 ? codecs : null);
        _variants = [.. _ladder.Select(r => LiveLadder.Predict(r, _source))];
        _ = segments.SetLadderAsync(sessionId, new SessionLadder(_ladder, _source));
        return null;
    }

    /// <summary>What the native muxer's first segment holds, from its bytes, or null when ffprobe must say (HEVC).</summary>
    private async Task<MediaProbe?> ReadFirstSegmentAsync(string file)
    {
        if (!_sawVideo)
        {
            return new MediaProbe(null, null, null, null, "aac", null);
        }
        if (_videoCodec?.StartsWith("avc1", StringComparison.Ordinal) != true)
        {
            return null;
        }
        try
        {
            var facts = MpegTsVideo.Read(await File.ReadAllBytesAsync(file));
            return new MediaProbe("h264", facts.Width, facts.Height, CommonFrameRate(facts.Frames, facts.Seconds), _sawAudio ? "aac" : null,
                facts.Seconds);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>
    /// Frames over seconds, as the nearest usual rate when within 0.5 % of one (FLV times are whole milliseconds, so
    /// the span of a segment is a little off), else to two decimals; null when the segment is too short to tell.
    /// </summary>
    internal static double? CommonFrameRate(long frames, double seconds)
    {
        if (frames < 2 || seconds <= 0)
        {
            return null;
        }
        var rate = frames / seconds;
        double? nearest = null;
        foreach (var common in (ReadOnlySpan<double>)[12, 15, 20, 24000 / 1001.0, 24, 25, 30000 / 1001.0, 30, 48, 50, 60000 / 1001.0, 60, 120])
        {
            if (Math.Abs(rate - common) <= common * 0.005 && (nearest is null || Math.Abs(rate - common) < Math.Abs(rate - nearest.Value)))
            {
                nearest = common;
            }
        }
        return nearest ?? Math.Round(rate, 2);
    }

    private async Task<MediaProbe?> ProbeFirstSegmentAsync(string file)
    {
        try
        {
            return MediaProbe.Parse(await FfmpegProcess.RunAsync(options.FfprobePath, FfmpegArguments.ProbeStreams(file, ContainerFormats.MpegTs),
                TimeSpan.FromSeconds(10), CancellationToken.None));
        }
        catch (FfmpegException e)
        {
            logger.LogWarning("Could not probe the first segment of session {SessionId}: {Error}", sessionId, e.Message);
            return null;
        }
    }

    public async ValueTask CompleteAsync(string reason)
    {
        try
        {
            if (!Started && _held.Count > 0 && !_failed)
            {
                await StartAsync(CancellationToken.None); // a publish shorter than the hold still yields its segments
            }
            if (_ffmpeg is not null)
            {
                var exit = await _ffmpeg.FinishAsync(TimeSpan.FromSeconds(10));
                await _reader!;
                if (exit != 0 && !_failed)
                {
                    logger.LogWarning("Segmenter for session {SessionId} exited with {Code}: {Error}", sessionId, exit, _ffmpeg.StderrTail.Trim());
                }
                await _ffmpeg.DisposeAsync();
            }
            if (_native is not null)
            {
                try
                {
                    if (!_failed)
                    {
                        _native.Complete(); // the open segment ends with the publish
                    }
                }
                catch (IOException e)
                {
                    logger.LogError(e, "Could not write the last segment of session {SessionId}", sessionId);
                }
                finally
                {
                    await _files!.DisposeAsync();
                }
                await _reader!;
            }
            var ending = new EndingSession(stream.StreamId, sessionId, stream.PlaybackId, stream.Record, _segments > 0, clock.GetUtcNow());
            _ = writes.Run(sessionId, "session end", ct => end.EndAsync(ending, claim: false, ct));
            logger.LogInformation("Publish ended: stream {StreamId} session {SessionId} ({Reason}, {Segments} segments)",
                stream.StreamId, sessionId, reason, _segments);
        }
        finally
        {
            publishers.Remove(sessionId);
            try
            {
                Directory.Delete(_workDir, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }
}
