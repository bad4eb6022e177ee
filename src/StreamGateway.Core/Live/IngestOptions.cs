using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Core.Live;

/// <summary>Section <c>Ingest</c>: the live path, from the RTMP listener to the end of a session.</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Accept RTMP publishers in this process.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Address the RTMP listener binds to; loopback by default, 0.0.0.0 to accept remote encoders.</summary>
    [Required]
    public string RtmpAddress { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int RtmpPort { get; set; } = 1935;

    /// <summary>Public RTMP base URL shown to users (e.g. rtmp://ingest.example.com/live); derived when unset.</summary>
    public string? PublicRtmpUrl { get; set; }

    /// <summary>Target source segment length; segments cut at the first keyframe after it.</summary>
    [Range(0.5, 10)]
    public double SegmentSeconds { get; set; } = 2;

    /// <summary>
    /// A publish whose video goes this long without a keyframe is ended with the stream issue "no keyframe in N s".
    /// Segments are cut at keyframes, so without them one segment would grow for as long as the publish lasts and then
    /// be read whole into memory to be transcoded.
    /// </summary>
    [Range(2, 300)]
    public int KeyframeTimeoutSeconds { get; set; } = 20;

    /// <summary>
    /// A publish that sends more than this into one segment (a keyframe-less stream, or timestamps that stand still)
    /// is ended the same way: a segment is read whole into memory to be transcoded.
    /// </summary>
    [Range(1024 * 1024, 4L * 1024 * 1024 * 1024)]
    public long MaxSegmentBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>A publisher that sends nothing for this long is dropped and the stream goes idle.</summary>
    [Range(1, 300)]
    public int IdleTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// A session with no media for this long whose publisher the sweeping node does not hold (its gateway node died) is ended as the
    /// publish's end would have: the stream goes idle and a recorded session gets its recording. Keep it above
    /// <see cref="IdleTimeoutSeconds"/>.
    /// </summary>
    [Range(5, 86_400)]
    public int LostSessionSeconds { get; set; } = 60;

    /// <summary>How often each node looks for such lost sessions.</summary>
    [Range(1, 3600)]
    public int LostSessionSweepSeconds { get; set; } = 60;

    /// <summary>Scratch directory where ffmpeg writes segments before they move to the segment store.</summary>
    [Required]
    public string WorkDir { get; set; } = "data/work";

    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    [Required]
    public string FfprobePath { get; set; } = "ffprobe";
}
