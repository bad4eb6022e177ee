using System.Buffers;
using System.Text;

namespace StreamGateway.Media.Ts;

/// <summary>Where a <see cref="TsSegmenter"/> puts its segments.</summary>
public interface ITsSegmentOutput
{
    /// <summary>Segment <paramref name="index"/> (from 0) starts: its bytes go to the writer returned.</summary>
    IBufferWriter<byte> Open(int index);

    /// <summary>All of the segment's bytes are written.</summary>
    void Close(TsSegment segment);
}

/// <summary>A finished segment: its media times in seconds, as FLV timestamps give them, and its size.</summary>
/// <param name="Start">
/// The presentation time of its first picture (audio only: of its first frame); for the first segment, the stream's
/// first timestamp, as ffmpeg's segment list gives it.
/// </param>
/// <param name="End">The next segment's start; for the last segment, the end of its last frame.</param>
public readonly record struct TsSegment(int Index, double Start, double End, long Bytes)
{
    public double Duration => End - Start;
}

public sealed record TsSegmenterOptions
{
    public bool HasVideo { get; init; } = true;
    public bool HasAudio { get; init; } = true;

    /// <summary>A segment ends at the first keyframe once it has lasted this long (less a small delta).</summary>
    public double SegmentSeconds { get; init; } = 2;

    /// <summary>A segment that grows past this without reaching a keyframe ends the stream with a <see cref="TsMuxException"/>.</summary>
    public long MaxSegmentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Added to every time, in 90 kHz ticks, so that the PCR, which runs half of it ahead of the decoding times, never
    /// goes below zero. 1.4 s is what ffmpeg's MPEG-TS muxer adds by default (twice its 0.7 s mux delay), so segments
    /// keep the timeline the ffmpeg segmenter gave them.
    /// </summary>
    public long TimestampOffset { get; init; } = 126_000;
}

/// <summary>
/// Cuts a live FLV stream (the tags of an RTMP publish) into keyframe-aligned MPEG-TS segments without decoding:
/// H.264 (and HEVC from Enhanced RTMP's 'hvc1') from length-prefixed NAL units to Annex B, AAC from raw frames to ADTS.
/// A segment ends at the first video keyframe (audio only: the first audio frame) that is at least
/// <see cref="TsSegmenterOptions.SegmentSeconds"/> minus a delta after its start and on or past the next multiple of
/// that duration from the stream's first frame, the delta being the smaller of 0.1 s and a tenth of the duration: the
/// cut points ffmpeg's <c>-f segment -segment_time T -segment_time_delta δ</c> makes on regular keyframes, but never a
/// segment shorter than T − δ when keyframes come late. Timestamps run on across segments, and so do continuity
/// counters, so the segments concatenate into one valid stream.
/// </summary>
/// <remarks>
/// Buffering is bounded: one video frame, and at most <see cref="AudioPesPayload"/> bytes of audio, which are packed
/// several frames to a PES packet as ffmpeg does (fewer headers; a PES of AAC is flushed at that size or once it spans
/// 0.35 s). Audio times come from the count of AAC samples while the FLV's millisecond times agree with it, so they are
/// exact to the tick. Before the video sequence header (if there is video) nothing is written; video before the first keyframe is
/// dropped, since it cannot be decoded. Each segment starts with the PAT and PMT and does not repeat them (an HLS
/// segment is fetched whole); there is no SDT. Not thread-safe: one publish feeds one segmenter.
/// </remarks>
public sealed class TsSegmenter
{
    /// <summary>ffmpeg's default PES payload size for audio, rounded as it rounds it.</summary>
    public const int AudioPesPayload = 2930;

    /// <summary>0.35 s at 90 kHz.</summary>
    private const long MaxAudioSpan = 31_500;

    /// <summary>
    /// 50 ms at 90 kHz: a PCR-only packet goes out with an audio frame once the last PCR is this old, so with AAC frames
    /// of at most 50 ms (sampling rates from 22.05 kHz up) PCRs stay within the 100 ms the standard allows.
    /// </summary>
    private const long MaxPcrGap = 4_500;

    private readonly TsSegmenterOptions _options;
    private readonly ITsSegmentOutput _output;
    private readonly double _segmentMs, _deltaMs;
    private readonly ArrayBufferWriter<byte> _accessUnit = new(256 * 1024);
    private readonly byte[] _audio = new byte[AudioPesPayload];
    private TsMuxer? _muxer;
    private VideoConfig? _video;
    private AacConfig? _aac;
    private bool _sawKeyframe, _open;
    private int _index = -1, _audioLength;
    private long _audioPts;
    private long _originMs, _startMs, _endMs;
    private double _gridMs;
    private long _lastVideoDts = -1, _lastAudioDts = -1, _videoStepMs;
    /// <summary>Where the audio sample count started (90 kHz, without the offset), or −1; and the samples counted since.</summary>
    private long _audioAnchor = -1, _audioSamples;
    private long _lastPcr = -1;

    public TsSegmenter(TsSegmenterOptions options, ITsSegmentOutput output)
    {
        if (!options.HasVideo && !options.HasAudio)
        {
            throw new ArgumentException("a stream needs video or audio", nameof(options));
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.SegmentSeconds, 0, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.TimestampOffset, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxSegmentBytes, nameof(options));
        _options = options;
        _output = output;
        _segmentMs = options.SegmentSeconds * 1000;
        _deltaMs = Math.Min(100, _segmentMs / 10);
    }

    /// <summary>
    /// Whether a video payload's codec is one this segmenter carries (H.264, or HEVC as Enhanced RTMP's 'hvc1'); an
    /// empty payload or a command frame says nothing and counts as carried.
    /// </summary>
    public static bool CarriesVideo(ReadOnlySpan<byte> payload) =>
        payload.IsEmpty ||
        ((payload[0] & 0x80) != 0
            ? payload.Length >= 5 && payload.Slice(1, 4).SequenceEqual("hvc1"u8)
            : (payload[0] & 0x0F) == 7 || payload[0] >> 4 == 5);

    /// <summary>Whether an audio payload's codec is one this segmenter carries (AAC); an empty payload counts as carried.</summary>
    public static bool CarriesAudio(ReadOnlySpan<byte> payload) => payload.IsEmpty || payload[0] >> 4 == 10;

    /// <summary>Segments closed so far.</summary>
    public int Segments => _index + (_open ? 0 : 1);

    /// <summary>
    /// An FLV VIDEODATA payload (FLV spec E.4.3.1, or Enhanced RTMP's extended header) at an FLV timestamp; ignored
    /// when the stream was declared without video.
    /// </summary>
    /// <exception cref="TsMuxException">The payload is malformed or carries a codec other than H.264 or HEVC.</exception>
    public void WriteVideo(uint timestamp, ReadOnlySpan<byte> payload)
    {
        if (!_options.HasVideo || payload.IsEmpty)
        {
            return;
        }
        int frameType, packetType, cts = 0;
        ReadOnlySpan<byte> body;
        bool hevc;
        if ((payload[0] & 0x80) != 0)
        {
            // Enhanced RTMP: IsExHeader, FrameType (3 bits), PacketType (4 bits), then a FourCC.
            if (payload.Length < 5)
            {
                throw new TsMuxException("an extended video tag is shorter than 5 bytes");
            }
            var fourCc = payload.Slice(1, 4);
            if (!fourCc.SequenceEqual("hvc1"u8))
            {
                throw new TsMuxException($"video codec '{Printable(fourCc)}' is not carried (only H.264 and HEVC)");
            }
            hevc = true;
            frameType = (payload[0] >> 4) & 7;
            packetType = payload[0] & 0x0F;
            body = payload[5..];
            switch (packetType)
            {
                case 0: // SequenceStart
                    break;
                case 1: // CodedFrames: a composition time offset first
                    if (body.Length < 3)
                    {
                        throw new TsMuxException("an HEVC video tag ends inside its composition time");
                    }
                    cts = Int24(body);
                    body = body[3..];
                    break;
                case 3: // CodedFramesX: composition time 0
                    packetType = 1;
                    break;
                case 2 or 4: // SequenceEnd, Metadata
                    return;
                default:
                    throw new TsMuxException($"extended video packet type {packetType} is not carried");
            }
        }
        else
        {
            frameType = payload[0] >> 4;
            var codec = payload[0] & 0x0F;
            if (frameType == 5)
            {
                return; // video info/command frame: no picture
            }
            if (codec != 7)
            {
                throw new TsMuxException($"FLV video codec {codec} is not carried (only H.264 and HEVC)");
            }
            if (payload.Length < 5)
            {
                throw new TsMuxException("an AVC video tag is shorter than 5 bytes");
            }
            hevc = false;
            packetType = payload[1];
            cts = Int24(payload[2..]);
            body = payload[5..];
            if (packetType == 2)
            {
                return; // end of sequence
            }
            if (packetType > 2)
            {
                throw new TsMuxException($"AVC packet type {packetType} is not defined");
            }
        }

        if (packetType == 0)
        {
            if (body.IsEmpty)
            {
                return; // an empty sequence header, as ffmpeg sends before it knows a copied stream's; the real one follows
            }
            var config = hevc ? VideoConfig.ParseHevc(body) : VideoConfig.ParseAvc(body);
            if (_video is not null && _video.Codec != config.Codec)
            {
                throw new TsMuxException("the video codec changed during the stream");
            }
            _video = config;
            return;
        }
        if (_video is null || (hevc != (_video.Codec == TsVideoCodec.Hevc)))
        {
            if (_video is not null)
            {
                throw new TsMuxException("a video frame's codec differs from its sequence header's");
            }
            return; // a frame before its sequence header cannot be decoded
        }
        var keyframe = frameType == 1;
        if (!_sawKeyframe && !keyframe)
        {
            return;
        }
        if (cts < 0)
        {
            throw new TsMuxException("a video frame is presented before it is decoded (negative composition time)");
        }
        var dts = (long)timestamp;
        var pts = dts + cts;
        if (dts < _lastVideoDts)
        {
            throw new TsMuxException($"video time went back from {_lastVideoDts} ms to {dts} ms");
        }
        _accessUnit.ResetWrittenCount();
        if (!AccessUnits.Write(_video, body, keyframe, _accessUnit))
        {
            return;
        }
        _sawKeyframe = true;
        if (_lastVideoDts >= 0)
        {
            _videoStepMs = dts - _lastVideoDts;
        }
        _lastVideoDts = dts;
        Place(pts, dts, cutHere: keyframe);
        var muxer = _muxer!;
        muxer.WriteVideo(_accessUnit.WrittenSpan, Ticks(pts), Ticks(dts), keyframe, Pcr(Ticks(dts)));
        _endMs = Math.Max(_endMs, pts + _videoStepMs);
        CheckSize();
    }

    /// <summary>An FLV AUDIODATA payload (FLV spec E.4.2.1) at an FLV timestamp; ignored when the stream was declared without audio.</summary>
    /// <exception cref="TsMuxException">The payload is malformed or carries a codec other than AAC.</exception>
    public void WriteAudio(uint timestamp, ReadOnlySpan<byte> payload)
    {
        if (!_options.HasAudio || payload.IsEmpty)
        {
            return;
        }
        var format = payload[0] >> 4;
        if (format != 10)
        {
            throw new TsMuxException($"FLV sound format {format} is not carried (only AAC)");
        }
        if (payload.Length < 2)
        {
            throw new TsMuxException("an AAC audio tag is shorter than 2 bytes");
        }
        if (payload[1] == 0)
        {
            if (payload.Length == 2)
            {
                // An empty config: ffmpeg's FLV muxer sends one when it copies AAC whose config it learns only from the
                // first frame (from MPEG-TS, say), and the real one follows.
                return;
            }
            _aac = AacConfig.Parse(payload[2..]);
            _audioAnchor = -1;
            return;
        }
        if (payload[1] != 1)
        {
            throw new TsMuxException($"AAC packet type {payload[1]} is not defined");
        }
        var raw = payload[2..];
        if (_aac is not { } aac || raw.IsEmpty || (_options.HasVideo && _video is null))
        {
            return; // before its config, or before the video's (the PMT needs the video codec)
        }
        var pts = (long)timestamp;
        if (pts < _lastAudioDts)
        {
            throw new TsMuxException($"audio time went back from {_lastAudioDts} ms to {pts} ms");
        }
        var frameLength = raw.Length + AacConfig.AdtsHeaderBytes;
        if (raw.Length > AacConfig.MaxRawFrameBytes)
        {
            throw new TsMuxException($"an AAC frame of {raw.Length} bytes is too long for ADTS");
        }
        _lastAudioDts = pts;
        Place(pts, pts, cutHere: !_options.HasVideo);
        var ticks = AudioTicks(pts, aac.SampleRate);
        if (_lastPcr >= 0 && ticks - _options.TimestampOffset / 2 - _lastPcr >= MaxPcrGap)
        {
            // Video too sparse (or audio PES packets too long) to carry a PCR every 100 ms (ISO/IEC 13818-1 §2.7.2).
            _muxer!.WritePcr(Pcr(ticks));
        }
        if (_audioLength > 0 && (_audioLength + frameLength > AudioPesPayload || ticks - _audioPts >= MaxAudioSpan))
        {
            FlushAudio();
        }
        if (frameLength > AudioPesPayload)
        {
            var single = new byte[frameLength];
            aac.WriteAdtsHeader(single, raw.Length);
            raw.CopyTo(single.AsSpan(AacConfig.AdtsHeaderBytes));
            WriteAudioPes(single, ticks);
        }
        else
        {
            if (_audioLength == 0)
            {
                _audioPts = ticks;
            }
            aac.WriteAdtsHeader(_audio.AsSpan(_audioLength), raw.Length);
            raw.CopyTo(_audio.AsSpan(_audioLength + AacConfig.AdtsHeaderBytes));
            _audioLength += frameLength;
        }
        _endMs = Math.Max(_endMs, pts + (1024 * 1000 + aac.SampleRate / 2) / aac.SampleRate);
        CheckSize();
    }

    /// <summary>Ends the stream: the open segment is closed and reported.</summary>
    public void Complete()
    {
        if (_open)
        {
            Close(_endMs);
        }
    }

    /// <summary>
    /// Opens the first segment at the first frame's decoding time, the stream's origin, or cuts at a frame that may
    /// start a segment and is far enough on; later segments start at their first picture's presentation time.
    /// </summary>
    private void Place(long pts, long dts, bool cutHere)
    {
        if (!_open)
        {
            if (_index < 0)
            {
                _originMs = dts;
            }
            Open(_index < 0 ? dts : pts);
            return;
        }
        if (cutHere && pts - _startMs >= _segmentMs - _deltaMs && pts - _originMs >= _gridMs - _deltaMs)
        {
            Close(pts);
            Open(pts);
        }
    }

    private void Open(long startMs)
    {
        _muxer ??= new TsMuxer(_options.HasVideo ? _video!.Codec : null, _options.HasAudio);
        _index++;
        _open = true;
        _muxer.Output = _output.Open(_index);
        _muxer.ResetCount();
        _muxer.WriteTables();
        _startMs = startMs;
        _endMs = startMs;
        _gridMs = (Math.Floor((startMs - _originMs + _deltaMs) / _segmentMs) + 1) * _segmentMs;
    }

    private void Close(long endMs)
    {
        FlushAudio();
        _open = false;
        _output.Close(new TsSegment(_index, _startMs / 1000.0, endMs / 1000.0, _muxer!.Packets * TsMuxer.PacketSize));
    }

    private void FlushAudio()
    {
        if (_audioLength > 0)
        {
            WriteAudioPes(_audio.AsSpan(0, _audioLength), _audioPts);
            _audioLength = 0;
        }
    }

    private void WriteAudioPes(ReadOnlySpan<byte> frames, long pts)
    {
        // Without video the audio carries the PCR, and every audio frame is a random access point.
        var alone = !_options.HasVideo;
        _muxer!.WriteAudio(frames, pts, randomAccess: alone, pcr: alone ? Pcr(pts) : null);
    }

    /// <summary>
    /// The PCR to send with a packet decoded at <paramref name="dts"/>: half the timestamp offset before it, and never
    /// before the last one sent, since audio and video decoding times interleave only roughly.
    /// </summary>
    private long Pcr(long dts)
    {
        _lastPcr = Math.Max(_lastPcr, dts - _options.TimestampOffset / 2);
        return _lastPcr;
    }

    private void CheckSize()
    {
        if (_muxer!.Packets * TsMuxer.PacketSize + _audioLength > _options.MaxSegmentBytes)
        {
            throw new TsMuxException($"a segment grew past {_options.MaxSegmentBytes} bytes without a keyframe to end it");
        }
    }

    private long Ticks(long ms) => ms * 90 + _options.TimestampOffset;

    /// <summary>
    /// An AAC frame's time from the samples before it: FLV rounds times to the millisecond, but every AAC frame holds
    /// 1024 samples (at the core rate), so while the FLV time stays within a millisecond of the count, the count gives
    /// the time to the tick; a larger difference (a gap, a publisher's clock jump) starts the count again there.
    /// </summary>
    private long AudioTicks(long ms, int sampleRate)
    {
        if (_audioAnchor >= 0)
        {
            var counted = _audioAnchor + (_audioSamples * 90_000 + sampleRate / 2) / sampleRate;
            if (Math.Abs(counted - ms * 90) < 90)
            {
                _audioSamples += 1024;
                return counted + _options.TimestampOffset;
            }
        }
        _audioAnchor = ms * 90;
        _audioSamples = 1024;
        return Ticks(ms);
    }

    /// <summary>A signed 24-bit big-endian integer (FLV's SI24).</summary>
    private static int Int24(ReadOnlySpan<byte> b) => ((b[0] << 24) | (b[1] << 16) | (b[2] << 8)) >> 8;

    private static string Printable(ReadOnlySpan<byte> fourCc)
    {
        var text = new StringBuilder(4);
        foreach (var b in fourCc)
        {
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : '?');
        }
        return text.ToString();
    }
}
