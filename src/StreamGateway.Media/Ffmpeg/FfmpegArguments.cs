using System.Globalization;
using System.Text;

namespace StreamGateway.Media.Ffmpeg;

/// <summary>
/// Builds ffmpeg/ffprobe argument lists for <see cref="System.Diagnostics.ProcessStartInfo.ArgumentList"/>: one
/// element per argument, numbers in invariant culture, never a concatenated command line.
/// </summary>
public sealed class FfmpegArguments
{
    private readonly List<string> _args = [];

    public IReadOnlyList<string> Build() => _args.ToArray();

    public FfmpegArguments Add(string name, string? value = null)
    {
        _args.Add(name);
        if (value is not null)
        {
            _args.Add(value);
        }
        return this;
    }

    public FfmpegArguments Add(string name, double value) => Add(name, value.ToString("0.###", CultureInfo.InvariantCulture));

    public FfmpegArguments Add(string name, long value) => Add(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// An input someone else wrote (a publisher, an uploader, an orchestrator): opened only through
    /// <paramref name="protocols"/> and only as <paramref name="format"/>, never as whatever ffmpeg would guess from
    /// its bytes (see <see cref="ContainerFormats"/>). The whitelists also bind every file a demuxer opens on its own.
    /// </summary>
    public FfmpegArguments Input(string path, string format, string protocols = "file") =>
        Add("-protocol_whitelist", protocols).Add("-format_whitelist", format).Add("-f", format).Add("-i", path);

    /// <summary>
    /// The live source segmenter: FLV on stdin, stream copy into keyframe-aligned MPEG-TS files of about
    /// <paramref name="segmentSeconds"/>, and a CSV line <c>name,start,end</c> on stdout as each file closes.
    /// Timestamps are not reset per segment, so they stay monotonic across a session.
    /// </summary>
    public static IReadOnlyList<string> LiveSegmenter(double segmentSeconds, string outputPattern) => new FfmpegArguments()
        .Add("-hide_banner").Add("-nostdin").Add("-loglevel", "warning")
        // The FLV header says which tracks exist, so probing can stop as soon as they are seen. (No `-fflags
        // nobuffer`: with it the segment muxer misses the first cut and the first segment doubles in length.)
        .Add("-analyzeduration", 1_000_000L).Add("-probesize", 1_000_000L)
        .Input("pipe:0", ContainerFormats.Flv, protocols: "pipe")
        .Add("-map", "0").Add("-c", "copy")
        .Add("-f", "segment").Add("-segment_format", "mpegts").Add("-segment_time", segmentSeconds)
        // An encoder keyframe exactly on the boundary can round to just before it; without the delta it would be
        // skipped and the segment would run to the next keyframe.
        .Add("-segment_time_delta", Math.Min(0.1, segmentSeconds / 10))
        .Add("-break_non_keyframes", "0").Add("-reset_timestamps", "0")
        .Add("-segment_list", "pipe:1").Add("-segment_list_type", "csv")
        .Add(outputPattern)
        .Build();

    /// <summary>
    /// A whole ladder in one ffmpeg process: the source is decoded once, split, scaled per rendition and encoded
    /// to one MPEG-TS file each; audio is copied into every rendition. Timestamps are kept (<c>-copyts</c>), so the
    /// renditions of a live segment line up with its source segment.
    /// </summary>
    /// <param name="pictureFilter">A filter applied to the source picture before it is scaled (none in production).</param>
    /// <param name="audio">Copy the source's audio into every rendition (false: video only).</param>
    public static IReadOnlyList<string> Ladder(string input, IReadOnlyList<(LadderProfile Profile, string Output)> renditions,
        H264Encoder encoder, string? pictureFilter = null, bool audio = true)
    {
        if (renditions.Count == 0)
        {
            throw new ArgumentException("a ladder needs at least one rendition", nameof(renditions));
        }
        var args = new FfmpegArguments()
            .Add("-hide_banner").Add("-nostdin").Add("-loglevel", "error").Add("-y")
            .Add("-copyts").Input(input, ContainerFormats.MpegTs);
        var split = $"[0:v]{(pictureFilter is null ? "" : pictureFilter + ",")}split={renditions.Count}" + string.Concat(Enumerable.Range(0, renditions.Count).Select(i => $"[s{i}]"));
        var scales = renditions.Select((r, i) =>
            $"[s{i}]scale={r.Profile.Width}:{r.Profile.Height}:force_original_aspect_ratio=decrease:force_divisible_by=2" +
            (r.Profile.Fps > 0 ? $",fps={r.Profile.Fps}/{Math.Max(1, r.Profile.FpsDen)}" : "") + $"[v{i}]");
        args.Add("-filter_complex", string.Join(';', new[] { split }.Concat(scales)));
        for (var i = 0; i < renditions.Count; i++)
        {
            var (profile, output) = renditions[i];
            args.Add("-map", $"[v{i}]");
            if (audio)
            {
                args.Add("-map", "0:a?");
            }
            args.Add("-c:v", encoder == H264Encoder.Nvenc ? "h264_nvenc" : "libx264");
            if (encoder == H264Encoder.Libx264)
            {
                args.Add("-preset", "veryfast").Add("-bf", "0"); // no B-frames, as Livepeer's default profile
            }
            else
            {
                args.Add("-preset", "p4").Add("-bf", "0");
            }
            args.Add("-b:v", (long)profile.BitrateBps).Add("-maxrate", (long)profile.BitrateBps)
                .Add("-bufsize", 2L * profile.BitrateBps).Add("-pix_fmt", "yuv420p");
            if (profile.IntraOnly)
            {
                args.Add("-g", 1);
            }
            else if (profile.GopSeconds is { } gop && gop > 0)
            {
                args.Add("-force_key_frames", $"expr:gte(t,n_forced*{gop.ToString("0.###", CultureInfo.InvariantCulture)})");
            }
            if (audio)
            {
                args.Add("-c:a", "copy");
            }
            args.Add("-muxdelay", "0").Add("-f", "mpegts").Add(output);
        }
        return args.Build();
    }

    /// <summary>
    /// Compares every rendition of a segment with its source in one pass: the source is decoded once and, for each
    /// rendition, scaled to that rendition's size (<c>scale2ref</c>, so the sizes need not be known first) and compared
    /// frame by frame in presentation order (both timelines start at 0). Each comparison's ssim filter writes one line
    /// per frame pair to its stats file, which <see cref="Similarity"/> reads; each rendition's frames are counted as
    /// they leave its decoder, a line per frame in its frames file (<see cref="Similarity.CountDecoded"/>), so one run
    /// both compares and decodes in full.
    /// </summary>
    public static IReadOnlyList<string> CompareWithSource(string source, IReadOnlyList<(string Rendition, string StatsFile, string FramesFile)> renditions)
    {
        if (renditions.Count == 0)
        {
            throw new ArgumentException("nothing to compare", nameof(renditions));
        }
        var args = new FfmpegArguments().Add("-hide_banner").Add("-nostdin").Add("-loglevel", "error").Input(source, ContainerFormats.MpegTs);
        foreach (var (rendition, _, _) in renditions)
        {
            args.Input(rendition, ContainerFormats.MpegTs);
        }
        var graph = new List<string>
        {
            "[0:v]setpts=PTS-STARTPTS,format=yuv420p,split=" + renditions.Count + string.Concat(renditions.Select((_, i) => $"[s{i}]")),
        };
        graph.AddRange(renditions.Select((r, i) =>
            $"[{i + 1}:v]{PrintFrames(r.FramesFile)},setpts=PTS-STARTPTS,format=yuv420p[r{i}];[s{i}][r{i}]scale2ref=flags=bicubic[ss{i}][rr{i}];" +
            $"[rr{i}][ss{i}]ssim=stats_file={FilterPath(r.StatsFile)}[o{i}]"));
        args.Add("-filter_complex", string.Join(';', graph));
        for (var i = 0; i < renditions.Count; i++)
        {
            args.Add("-map", $"[o{i}]").Add("-f", "null").Add("-");
        }
        return args.Build();
    }

    /// <summary>Encodes one frame with NVENC and discards it: succeeds only where a usable NVIDIA encoder exists.</summary>
    public static IReadOnlyList<string> NvencProbe() => new FfmpegArguments()
        .Add("-hide_banner").Add("-nostdin").Add("-loglevel", "error")
        .Add("-f", "lavfi").Add("-i", "color=c=black:s=256x144:d=0.1")
        .Add("-frames:v", 1L).Add("-c:v", "h264_nvenc").Add("-f", "null").Add("-")
        .Build();

    /// <summary>
    /// ffprobe that decodes every frame of the first video stream and reports the count with the frame size, as
    /// JSON: the exact pixels a Livepeer broadcaster will count when it verifies a rendition.
    /// </summary>
    public static IReadOnlyList<string> CountFrames(string path) => new FfmpegArguments()
        .Add("-v", "error").Add("-print_format", "json").Add("-count_frames").Add("-select_streams", "v:0")
        .Add("-show_entries", "stream=nb_read_frames,width,height")
        .Input(path, ContainerFormats.MpegTs)
        .Build();

    /// <summary>Decodes a rendition and reports what <see cref="RenditionFacts"/> reads: codecs, size, decoded frames, duration.</summary>
    public static IReadOnlyList<string> InspectRendition(string path) => new FfmpegArguments()
        .Add("-v", "error").Add("-print_format", "json").Add("-count_frames")
        .Add("-show_entries", "stream=codec_type,codec_name,profile,level,width,height,nb_read_frames:format=duration")
        .Input(path, ContainerFormats.MpegTs)
        .Build();

    /// <summary>
    /// Cuts a file into MPEG-TS chunks of about <paramref name="seconds"/>, at keyframes, without re-encoding (first
    /// video and audio track only), and lists them as CSV lines <c>name,start,end</c> in <paramref name="list"/>.
    /// With <paramref name="reencode"/> the video is first made H.264 with a keyframe every <paramref name="seconds"/>
    /// (for codecs MPEG-TS cannot carry) and the audio AAC. <paramref name="format"/> is the demuxer the probe found.
    /// </summary>
    public static IReadOnlyList<string> Chunks(string input, string format, double seconds, string outputPattern, string list, bool reencode)
    {
        var args = new FfmpegArguments()
            .Add("-hide_banner").Add("-nostdin").Add("-loglevel", "error").Add("-y")
            .Input(input, format)
            .Add("-map", "0:v:0").Add("-map", "0:a:0?");
        if (reencode)
        {
            args.Add("-c:v", "libx264").Add("-preset", "veryfast").Add("-crf", "18").Add("-pix_fmt", "yuv420p")
                .Add("-force_key_frames", $"expr:gte(t,n_forced*{seconds.ToString("0.###", CultureInfo.InvariantCulture)})")
                .Add("-c:a", "aac").Add("-b:a", "160k");
        }
        else
        {
            args.Add("-c", "copy");
        }
        return args.Add("-f", "segment").Add("-segment_time", seconds).Add("-segment_format", "mpegts")
            .Add("-segment_list", list).Add("-segment_list_type", "csv").Add("-reset_timestamps", "0")
            .Add(outputPattern)
            .Build();
    }

    /// <summary>
    /// Cuts <paramref name="seconds"/> from <paramref name="offset"/> seconds into the input to the frame, re-encoded
    /// (H.264 at high quality, AAC) into an MP4: a clip's source, which then goes through the VOD pipeline. The input
    /// is a stream's source segments joined, so MPEG-TS.
    /// </summary>
    public static IReadOnlyList<string> Clip(string input, double offset, double seconds, string output) => new FfmpegArguments()
        .Add("-hide_banner").Add("-nostdin").Add("-loglevel", "error").Add("-y")
        .Add("-ss", offset.ToString("0.###", CultureInfo.InvariantCulture)).Input(input, ContainerFormats.MpegTs)
        .Add("-t", seconds.ToString("0.###", CultureInfo.InvariantCulture))
        .Add("-map", "0:v:0").Add("-map", "0:a:0?")
        .Add("-c:v", "libx264").Add("-preset", "veryfast").Add("-crf", "18").Add("-pix_fmt", "yuv420p")
        .Add("-c:a", "aac").Add("-b:a", "160k")
        .Add("-movflags", "+faststart").Add("-f", "mp4").Add(output)
        .Build();

    /// <summary>
    /// Joins MPEG-TS chunks (an ffconcat list) into one MP4 without re-encoding, with the index at the front so that
    /// players start before the whole file has arrived. The list is ours (absolute paths, hence <c>-safe 0</c>); the
    /// chunks are orchestrators' renditions, and the concat demuxer passes its whitelists on to each: MPEG-TS only.
    /// </summary>
    public static IReadOnlyList<string> JoinToMp4(string concatList, string output) => new FfmpegArguments()
        .Add("-hide_banner").Add("-nostdin").Add("-loglevel", "error").Add("-y")
        .Add("-protocol_whitelist", "file").Add("-format_whitelist", "concat," + ContainerFormats.MpegTs)
        .Add("-f", "concat").Add("-safe", "0").Add("-i", concatList)
        .Add("-map", "0:v:0").Add("-map", "0:a:0?").Add("-c", "copy").Add("-bsf:a", "aac_adtstoasc")
        .Add("-movflags", "+faststart").Add("-f", "mp4").Add(output)
        .Build();

    /// <summary>
    /// The same join as <see cref="JoinToMp4"/>, written as fragmented-MP4 HLS instead: <c>init.mp4</c>, segments
    /// <c>{n}.m4s</c> cut at keyframes about every <paramref name="segmentSeconds"/>, and a VOD media playlist
    /// <c>index.m3u8</c>, all in <paramref name="outputDir"/>.
    /// </summary>
    public static IReadOnlyList<string> JoinToFmp4Hls(string concatList, string outputDir, double segmentSeconds) => new FfmpegArguments()
        .Add("-hide_banner").Add("-nostdin").Add("-loglevel", "error").Add("-y")
        .Add("-protocol_whitelist", "file").Add("-format_whitelist", "concat," + ContainerFormats.MpegTs)
        .Add("-f", "concat").Add("-safe", "0").Add("-i", concatList)
        .Add("-map", "0:v:0").Add("-map", "0:a:0?").Add("-c", "copy").Add("-bsf:a", "aac_adtstoasc")
        .Add("-f", "hls").Add("-hls_time", segmentSeconds.ToString("0.###", CultureInfo.InvariantCulture)).Add("-hls_playlist_type", "vod")
        .Add("-hls_segment_type", "fmp4").Add("-hls_fmp4_init_filename", "init.mp4").Add("-hls_flags", "independent_segments")
        .Add("-hls_segment_filename", Path.Combine(outputDir, "%d.m4s")).Add(Path.Combine(outputDir, "index.m3u8"))
        .Build();

    /// <summary>
    /// Restreams MPEG-TS read from stdin (a rendition's segments, one after another) to an RTMP(S) target as FLV or to
    /// an SRT target as MPEG-TS, without re-encoding; progress (bytes written) as key=value lines on stdout each second.
    /// </summary>
    public static IReadOnlyList<string> Restream(string target, bool videoOnly)
    {
        var args = new FfmpegArguments()
            .Add("-hide_banner").Add("-nostdin").Add("-loglevel", "error")
            .Add("-progress", "pipe:1").Add("-stats_period", "1")
            // A segment opens with a keyframe and its parameter sets: half a second is enough to know the streams, where
            // the default 5 s would hold the first bytes back for two more segments.
            .Add("-analyzeduration", "500000").Add("-f", ContainerFormats.MpegTs).Add("-i", "pipe:0")
            .Add("-map", "0:v:0");
        if (!videoOnly)
        {
            args.Add("-map", "0:a:0?");
        }
        args.Add("-c", "copy");
        return (target.StartsWith("srt://", StringComparison.OrdinalIgnoreCase)
            ? args.Add("-f", ContainerFormats.MpegTs)
            : args.Add("-f", "flv").Add("-flvflags", "no_duration_filesize"))
            .Add(target).Build();
    }

    /// <summary>
    /// Pulls a stream from <paramref name="source"/> (RTMP(S), SRT, or an HLS playlist over HTTP(S), read at its own pace)
    /// and publishes it unchanged to <paramref name="ingest"/> (the gateway's own RTMP ingest), as an encoder would push
    /// it. Only the source's own protocols may be opened; a read that stalls for 10 s ends the pull.
    /// </summary>
    public static IReadOnlyList<string> Pull(string source, IReadOnlyDictionary<string, string>? headers, string ingest)
    {
        var scheme = source[..source.IndexOf(':', StringComparison.Ordinal)].ToLowerInvariant();
        var args = new FfmpegArguments().Add("-hide_banner").Add("-nostdin").Add("-loglevel", "error")
            .Add("-rw_timeout", "10000000")
            .Add("-protocol_whitelist", scheme switch
            {
                "srt" => "srt,udp",
                "rtmp" or "rtmps" => "rtmp,rtmps,tcp,tls",
                _ => "http,https,tcp,tls,crypto",
            });
        if (scheme is "http" or "https")
        {
            // A finished (VOD) playlist would otherwise be read as fast as the network allows.
            args.Add("-re");
            if (headers is { Count: > 0 })
            {
                args.Add("-headers", string.Concat(headers.Select(h => $"{h.Key}: {h.Value}\r\n")));
            }
        }
        return args.Add("-i", source)
            .Add("-map", "0:v:0").Add("-map", "0:a:0?").Add("-c", "copy")
            .Add("-f", "flv").Add(ingest)
            .Build();
    }

    /// <summary>
    /// A JPEG, <paramref name="height"/> pixels tall, of the first video track's first frame and then of the first frame
    /// at least <paramref name="everySeconds"/> after the last one taken; each picture's presentation time goes to
    /// <paramref name="timesFile"/> as a line <c>frame:N pts:P pts_time:T</c>.
    /// With <paramref name="keyframesOnly"/> only keyframes are decoded (and so chosen): a small share of a full decode.
    /// </summary>
    public static IReadOnlyList<string> Thumbnails(string input, string format, int everySeconds, int height, string outputPattern, string timesFile,
        bool keyframesOnly)
    {
        var args = new FfmpegArguments().Add("-hide_banner").Add("-nostdin").Add("-loglevel", "error").Add("-y");
        if (keyframesOnly)
        {
            args.Add("-skip_frame", "nokey");
        }
        var every = everySeconds.ToString(CultureInfo.InvariantCulture);
        // (fps=1/N makes a picture only once it has seen a frame half an interval past it, so a clip shorter than N/2
        // had none, and every clip lost its last.)
        return args.Input(input, format).Add("-map", "0:v:0")
            .Add("-vf", $"select='isnan(prev_selected_t)+gte(t-prev_selected_t,{every})',scale=-2:{height.ToString(CultureInfo.InvariantCulture)}," +
                PrintFrames(timesFile))
            .Add("-fps_mode", "vfr").Add("-q:v", "5").Add(outputPattern)
            .Build();
    }

    /// <summary>
    /// Filters that pass frames through and print a line <c>frame:N pts:P pts_time:T</c> (then <c>counted=1</c>) for
    /// each to <paramref name="file"/>: the metadata filter prints only frames that carry a key, so one is added.
    /// </summary>
    private static string PrintFrames(string file) =>
        $"metadata=mode=add:key=counted:value=1,metadata=mode=print:file={FilterPath(file)}";

    /// <summary>
    /// A path as a filter option's value, escaped twice: for the option list (<c>\ ' :</c>) and then for the filter
    /// graph (<c>\ ' [ ] , ;</c>).
    /// </summary>
    public static string FilterPath(string path)
    {
        var escaped = new StringBuilder(path.Length + 8);
        foreach (var c in path)
        {
            if (c is '\\' or '\'' or ':')
            {
                ForGraph('\\');
            }
            ForGraph(c);
        }
        return escaped.ToString();

        void ForGraph(char c)
        {
            if (c is '\\' or '\'' or '[' or ']' or ',' or ';')
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
    }

    /// <summary>ffprobe of one media file in a known container: stream facts as JSON.</summary>
    public static IReadOnlyList<string> ProbeStreams(string path, string format) => new FfmpegArguments()
        .Add("-v", "error").Add("-print_format", "json").Add("-show_streams").Add("-show_format")
        .Input(path, format)
        .Build();

    /// <summary>
    /// ffprobe of a file whose container nobody vouches for (an upload): ffprobe detects it, but reads it only with a
    /// demuxer on <paramref name="allowedFormats"/> (comma-separated); any other detection fails before the file is
    /// read, and <see cref="ContainerFormats.RefusedDemuxer"/> names what was detected.
    /// </summary>
    public static IReadOnlyList<string> ProbeUnknownStreams(string path, string allowedFormats) => new FfmpegArguments()
        .Add("-v", "error").Add("-print_format", "json").Add("-show_streams").Add("-show_format")
        .Add("-protocol_whitelist", "file").Add("-format_whitelist", allowedFormats).Add("-i", path)
        .Build();
}
