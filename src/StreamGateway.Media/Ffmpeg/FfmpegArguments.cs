using System.Globalization;

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
    /// The live source segmenter: FLV on stdin, stream copy into keyframe-aligned MPEG-TS files of about
    /// <paramref name="segmentSeconds"/>, and a CSV line <c>name,start,end</c> on stdout as each file closes.
    /// Timestamps are not reset per segment, so they stay monotonic across a session.
    /// </summary>
    public static IReadOnlyList<string> LiveSegmenter(double segmentSeconds, string outputPattern) => new FfmpegArguments()
        .Add("-hide_banner").Add("-nostdin").Add("-loglevel", "warning")
        // The FLV header says which tracks exist, so probing can stop as soon as they are seen. (No `-fflags
        // nobuffer`: with it the segment muxer misses the first cut and the first segment doubles in length.)
        .Add("-analyzeduration", 1_000_000L).Add("-probesize", 1_000_000L)
        .Add("-f", "flv").Add("-i", "pipe:0")
        .Add("-map", "0").Add("-c", "copy")
        .Add("-f", "segment").Add("-segment_format", "mpegts").Add("-segment_time", segmentSeconds)
        // An encoder keyframe exactly on the boundary can round to just before it; without the delta it would be
        // skipped and the segment would run to the next keyframe.
        .Add("-segment_time_delta", Math.Min(0.1, segmentSeconds / 10))
        .Add("-break_non_keyframes", "0").Add("-reset_timestamps", "0")
        .Add("-segment_list", "pipe:1").Add("-segment_list_type", "csv")
        .Add(outputPattern)
        .Build();

    /// <summary>ffprobe of one media file: stream facts as JSON.</summary>
    public static IReadOnlyList<string> ProbeStreams(string path) => new FfmpegArguments()
        .Add("-v", "error").Add("-print_format", "json").Add("-show_streams").Add("-show_format")
        .Add(path)
        .Build();
}
