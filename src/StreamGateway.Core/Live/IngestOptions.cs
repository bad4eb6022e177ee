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

    /// <summary>A connection with no publish accepted this long after it connected is closed, however busy the peer
    /// keeps it (a peer that connects and idles, or handshakes and never publishes).</summary>
    [Range(1, 300)]
    public int PublishDeadlineSeconds { get; set; } = 10;

    /// <summary>RTMP connections open at once on this node; one more is closed as soon as it is accepted.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 1000;

    /// <summary>RTMP connections open at once from one address (an IPv6 /64 counts as one address); one more is
    /// closed as soon as it is accepted.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerAddress { get; set; } = 20;

    /// <summary>
    /// Addresses of TCP load balancers in front of RTMP ingest that send the PROXY protocol (v1, nginx's
    /// <c>proxy_protocol on</c>) ahead of each connection. A connection from one of them must start with that header,
    /// and the client address in it is the one every per-address limit, block and log uses; a connection from one of
    /// them without it is closed. Empty (the default): no header is expected from anyone, and a load balancer's
    /// connections all count as its own address.
    /// </summary>
    public List<string> ProxyProtocolFrom { get; set; } = [];

    /// <summary>Largest RTMP message (one video frame) a publisher may send; a longer one closes the connection.</summary>
    [Range(64 * 1024, 0xFFFFFF)]
    public int MaxMessageBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Media bytes one connection may hold in memory before the segmenter takes them, at each of the two places they
    /// wait: messages still being reassembled from chunks (summed over all chunk streams), and media held while the
    /// tracks are not yet known. A connection over it is closed. At least <see cref="MaxMessageBytes"/>.
    /// </summary>
    [Range(64 * 1024, 1024L * 1024 * 1024)]
    public long MaxBufferedBytesPerConnection { get; set; } = 16 * 1024 * 1024;

    /// <summary>Unknown stream keys one address (an IPv6 /64) may try within a minute; after that it is refused,
    /// without a lookup, for <see cref="FailedKeyBlockSeconds"/>.</summary>
    [Range(1, 10_000)]
    public int MaxFailedKeysPerMinute { get; set; } = 10;

    [Range(1, 86_400)]
    public int FailedKeyBlockSeconds { get; set; } = 60;

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

    /// <summary>
    /// What cuts a publish into MPEG-TS segments. <see cref="LiveSegmenterKind.Native"/> (the default) muxes in this
    /// process, with no child process per stream; a publish whose first media carries a codec it does not (anything
    /// but H.264, HEVC and AAC) goes to ffmpeg instead. <see cref="LiveSegmenterKind.Ffmpeg"/> sends every publish
    /// through an ffmpeg child (<c>-c copy -f segment</c>), as before the native muxer.
    /// </summary>
    public LiveSegmenterKind Segmenter { get; set; } = LiveSegmenterKind.Native;

    /// <summary>Scratch directory where the segmenter writes segments before they move to the segment store.</summary>
    [Required]
    public string WorkDir { get; set; } = "data/work";

    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    [Required]
    public string FfprobePath { get; set; } = "ffprobe";
}

public enum LiveSegmenterKind
{
    /// <summary>Our own FLV to MPEG-TS muxer (<see cref="Media.Ts.TsSegmenter"/>), in the gateway's process.</summary>
    Native,

    /// <summary>One ffmpeg child per publish.</summary>
    Ffmpeg,
}
