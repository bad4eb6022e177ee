using System.Text.RegularExpressions;

namespace StreamGateway.Media.Ffmpeg;

/// <summary>
/// Which container formats ffmpeg may open when the bytes come from someone else: a publisher, an uploader, an
/// orchestrator. ffmpeg's own guess is not to be trusted with such bytes: a text file is "detected" as an HLS
/// playlist, an ffconcat list or an image sequence, and those demuxers then open further files or URLs. So such an
/// input is always opened with local files as the only protocol and its container named and whitelisted (see
/// <see cref="FfmpegArguments.Input"/>); where the container is not known (an upload), ffprobe may guess, but may
/// open the file only with a demuxer on an allow-list of real video containers.
/// </summary>
/// <remarks>Names are ffmpeg's demuxer names; a demuxer with several names ("mov,mp4,m4a,3gp,3g2,mj2") is matched by any of them.</remarks>
public static partial class ContainerFormats
{
    /// <summary>Live segments, VOD chunks, recordings and every rendition an orchestrator makes.</summary>
    public const string MpegTs = "mpegts";

    /// <summary>What an RTMP publisher sends.</summary>
    public const string Flv = "flv";

    /// <summary>MP4 (and QuickTime) files.</summary>
    public const string Mp4 = "mov";

    /// <summary>
    /// The containers an upload or import may be in: files of video and audio tracks that open nothing else
    /// (MP4/MOV, Matroska/WebM, MPEG-TS, FLV, AVI, MXF, MPEG program streams, ASF/WMV).
    /// </summary>
    public const string UploadDefault = "mov,mp4,matroska,webm,mpegts,flv,avi,mxf,mpeg,asf";

    /// <summary>
    /// Demuxers that open other files or URLs (playlists, lists, image sequences, manifests, session descriptions) or
    /// make media of their own: never allowed for someone else's bytes, whatever the configuration says.
    /// </summary>
    public static readonly IReadOnlySet<string> NeverAllowed = new HashSet<string>(StringComparer.Ordinal)
    {
        "hls", "applehttp", "dash", "concat", "ffconcat", "image2", "imf", "sdp", "rtp", "rtsp", "lavfi", "webm_dash_manifest", "ffmetadata",
        "tee", "data",
    };

    /// <summary>The names of a comma-separated list (ffmpeg's own syntax for format lists).</summary>
    public static IReadOnlyList<string> Names(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Why <paramref name="list"/> cannot be an allow-list, or null when it can.</summary>
    public static string? Problem(string list)
    {
        var names = Names(list);
        if (names.Count == 0)
        {
            return "names no container format";
        }
        if (names.FirstOrDefault(n => !NamePattern().IsMatch(n)) is { } odd)
        {
            return $"'{odd}' is not an ffmpeg format name";
        }
        return names.FirstOrDefault(NeverAllowed.Contains) is { } refused
            ? $"'{refused}' opens other files or URLs and is never allowed"
            : null;
    }

    /// <summary>Whether the demuxer ffprobe reports (its <c>format_name</c>) is on <paramref name="allowed"/>, as ffmpeg's whitelist matches.</summary>
    public static bool Allows(string allowed, string? formatName) =>
        formatName is not null && Names(formatName).Intersect(Names(allowed)).Any() && !Names(formatName).Any(NeverAllowed.Contains);

    /// <summary>The name to force a demuxer by on later runs: the first of its names (<c>-f mov</c> for "mov,mp4,…").</summary>
    public static string Demuxer(string formatName) => Names(formatName)[0];

    /// <summary>
    /// The demuxer ffmpeg detected when its <c>-format_whitelist</c> refused the file, read from the log line it writes
    /// ("[hls @ 0x55d…] Format not on whitelist …"); null when the output says nothing of the kind.
    /// </summary>
    public static string? RefusedDemuxer(string stderr) =>
        RefusedPattern().Match(stderr) is { Success: true } m ? m.Groups["name"].Value : null;

    [GeneratedRegex("^[a-z0-9_]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\[(?<name>[a-z0-9_,]+) @ 0x[0-9a-f]+\] Format not on whitelist")]
    private static partial Regex RefusedPattern();
}
