using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Orchestrator;

/// <summary>Section <c>Orchestrator</c>. Defaults run one orchestrator on this machine, like go-livepeer's.</summary>
public sealed class OrchestratorOptions
{
    public const string Section = "Orchestrator";

    /// <summary>IP address of the one TLS endpoint (gRPC and HTTP share it, livepeer-wire §6).</summary>
    [Required]
    public string ListenAddress { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 8935;

    /// <summary>
    /// Serve without TLS, as a go-livepeer orchestrator with an <c>http://</c> service URI does: gRPC as HTTP/2 with prior
    /// knowledge (h2c) and HTTP/1.1 on the same port. Off, the one endpoint is self-signed TLS (what every go-livepeer
    /// version speaks, transcoders included). Only for networks where the path to the orchestrator is trusted or
    /// encrypted by something else.
    /// </summary>
    public bool Cleartext { get; set; }

    /// <summary>Reported as OrchestratorInfo.transcoder and used as the base of rendition URLs.</summary>
    [Required, Url]
    public string ServiceUri { get; set; } = "https://127.0.0.1:8935";

    /// <summary>Distinct sessions (auth-token session ids) that may send segments within a minute.</summary>
    [Range(1, 100_000)]
    public int MaxSessions { get; set; } = 10;

    /// <summary>
    /// Largest source segment <c>POST /segment</c> takes; a longer body is refused with 413. The body goes to disk as it
    /// arrives, so this bounds the disk a request can fill, not memory. 64 MiB holds a 2 s segment at 250 Mbit/s.
    /// </summary>
    [Range(64 * 1024, 300_000_000)]
    public long MaxSegmentBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// The operator's secret for the admin endpoints (<c>GET /payments/tickets</c>), sent as
    /// <c>Authorization: Bearer</c>. Unset, those endpoints answer 404: they show recipientRand of tickets not yet redeemed.
    /// </summary>
    [MinLength(16)]
    public string? AdminToken { get; set; }

    /// <summary>
    /// The secret transcoders (<c>--transcoder</c>, or go-livepeer's <c>-transcoder -orchSecret</c>) present to join this
    /// orchestrator. Unset, no transcoder can join and every segment is transcoded here.
    /// </summary>
    [MinLength(16)]
    public string? TranscoderSecret { get; set; }

    /// <summary>
    /// Transcode here when no joined transcoder has room (or none has joined). Off, such a segment fails with go-O's
    /// "no transcoders available".
    /// </summary>
    public bool TranscodeLocally { get; set; } = true;

    /// <summary>Source segments and renditions live here, under one folder per session.</summary>
    [Required]
    public string WorkDir { get; set; } = Path.Combine(Path.GetTempPath(), "streamgateway-orchestrator");

    /// <summary>How long renditions stay fetchable after they are made.</summary>
    [Range(5, 86_400)]
    public int RenditionRetentionSeconds { get; set; } = 120;

    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    [Required]
    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>Wei per <see cref="PixelsPerUnit"/> pixels; 0 until payments exist.</summary>
    [Range(0, long.MaxValue)]
    public long PricePerUnit { get; set; }

    /// <summary>go-B refuses an OrchestratorInfo whose price has 0 pixels per unit (livepeer-wire §1.1).</summary>
    [Range(1, long.MaxValue)]
    public long PixelsPerUnit { get; set; } = 1;

    /// <summary>
    /// The go-livepeer version whose protocol this node speaks, advertised as <c>Capabilities.version</c>: a go-B run with
    /// <c>-orchMinLivepeerVersion</c> compares it (semver) and drops orchestrators without one.
    /// </summary>
    [RegularExpression(@"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$")]
    public string LivepeerVersion { get; set; } = "0.9.1";

    /// <summary>The account reported as OrchestratorInfo.address; optional until on-chain registration exists.</summary>
    [RegularExpression("^0x[0-9a-fA-F]{40}$")]
    public string? EthereumAddress { get; set; }

    /// <summary>
    /// Test only: makes this node hand back bad work, so that the gateway's verification can be tried against a
    /// cheating orchestrator. Leave it at <see cref="Misbehaviour.None"/> anywhere else.
    /// </summary>
    public Misbehaviour Misbehave { get; set; }

    public Uri ServiceBase => new(ServiceUri.TrimEnd('/') + "/");
}
