using System.ComponentModel.DataAnnotations;
using StreamGateway.Network.Payments;
using StreamGateway.Network.Selection;

namespace StreamGateway.Core.Transcoding;

/// <summary>
/// Section <c>Transcoding</c>: where orchestrators come from and how they are chosen. With <see cref="RpcUrl"/> and
/// <see cref="Controller"/> set, the gateway reads the on-chain pool (the devnet, or Arbitrum One read-only); with
/// <see cref="OrchestratorUris"/> it also uses those nodes directly. With neither, streams stay source-only.
/// </summary>
public sealed class TranscodingOptions
{
    public const string Section = "Transcoding";

    /// <summary>An Ethereum JSON-RPC endpoint (for Arbitrum One, an Arbitrum RPC provider's URL).</summary>
    public string? RpcUrl { get; set; }

    /// <summary>The Livepeer Controller; every other contract is resolved through it. Arbitrum One: 0xD8E8…06ee4.</summary>
    [RegularExpression("^0x[0-9a-fA-F]{40}$")]
    public string? Controller { get; set; }

    /// <summary>Orchestrators to use besides the on-chain pool (go-livepeer's -orchAddr), e.g. https://10.0.0.5:8935.</summary>
    public List<string> OrchestratorUris { get; set; } = [];

    /// <summary>How often the pool and every orchestrator's offer are refreshed; a new round also refreshes.</summary>
    [Range(1, 3600)]
    public int RefreshSeconds { get; set; } = 60;

    /// <summary>How often the current round is read, to notice new rounds.</summary>
    [Range(1, 600)]
    public int RoundPollSeconds { get; set; } = 5;

    /// <summary>Time allowed for one GetOrchestrator call.</summary>
    [Range(100, 60_000)]
    public int DiscoveryTimeoutMilliseconds { get; set; } = 3000;

    /// <summary>
    /// Orchestrator sessions a publish opens as soon as it is authorised, drawn as its segments' orchestrators are, so
    /// the first segment does not wait for GetOrchestrator (go-livepeer's broadcaster likewise keeps a pool of
    /// sessions from the start). 0 opens each on first use.
    /// </summary>
    [Range(0, 10)]
    public int PrepareSessions { get; set; } = 3;

    /// <summary>Orchestrators tried per segment, each a different one, within max(8 s, 4 × duration).</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = SegmentTiming.MaxAttempts;

    /// <summary>
    /// A stream keeps its last orchestrator while that one's latency score (round trip / segment duration) is at or
    /// under this value (go-livepeer: 1.0). 0 draws every segment afresh.
    /// </summary>
    [Range(0, 100)]
    public double ReuseLatencyScore { get; set; } = SegmentTiming.GoodLatencyScore;

    [Range(0, 1)]
    public double StakeWeight { get; set; } = 0.7;

    [Range(0, 1)]
    public double RandomWeight { get; set; } = 0.3;

    [Range(0, 1)]
    public double PriceWeight { get; set; }

    [Range(1e-9, 1e18)]
    public double PriceExpFactor { get; set; } = 100;

    /// <summary>
    /// Highest price accepted, in wei per pixel: orchestrators above it get no segment. The default, 10,000 wei, is
    /// several times what mainnet orchestrators ask (about 1,000–3,000 wei per pixel) and caps a 720p30 rendition near
    /// 0.001 ETH an hour. Unset (an empty value) accepts any price.
    /// </summary>
    [Range(0, double.MaxValue)]
    public double? MaxPricePerPixel { get; set; } = 10_000;

    /// <summary>Highest expected value of one ticket, in wei (go-livepeer's -maxTicketEV default: 3e12).</summary>
    [Range(1, long.MaxValue)]
    public long MaxTicketEvWei { get; set; } = 3_000_000_000_000;

    /// <summary>Highest expected value of all the tickets sent with one segment, in wei (-maxTotalEV default: 2e13).</summary>
    [Range(1, long.MaxValue)]
    public long MaxTotalEvWei { get; set; } = 20_000_000_000_000;

    /// <summary>
    /// Highest ticket face value accepted, in wei: what one winning ticket can take from the deposit (go-livepeer caps
    /// it at the deposit). 0.05 ETH by default.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxFaceValueWei { get; set; } = 50_000_000_000_000_000;

    /// <summary>Most tickets signed for one segment; an orchestrator whose tickets are worth so little that it needs more is not used.</summary>
    [Range(1, 100_000)]
    public int MaxTicketsPerSegment { get; set; } = 100;

    /// <summary>
    /// Segment posts, rendition downloads and GetOrchestrator calls to private, loopback and other non-public
    /// addresses are refused (an orchestrator's service URI and rendition URLs are its own to choose). A devnet on one
    /// machine turns this on.
    /// </summary>
    public bool AllowPrivateOrchestrators { get; set; }

    /// <summary>
    /// A rendition may be at most this many times the size of its source segment (or twice what its bitrate asks
    /// for, if more), plus 1 MiB; a larger body is refused while it downloads.
    /// </summary>
    [Range(1, 1000)]
    public int MaxRenditionToSourceRatio { get; set; } = 4;

    /// <summary>
    /// The gateway's broadcaster account (hex private key): it signs GetOrchestrator requests and segment credentials,
    /// as on-chain orchestrators require. Unset: a new random account per process, which is enough to discover and
    /// use orchestrators that do not ask for payment. Keep a real key in a secret store.
    /// </summary>
    [RegularExpression("^(0x)?[0-9a-fA-F]{64}$")]
    public string? BroadcasterPrivateKey { get; set; }

    /// <summary>TicketBroker deposit the broadcaster account keeps (topped up at start); 0 leaves it alone.</summary>
    [RegularExpression("^[0-9]{1,40}$")]
    public string DepositWei { get; set; } = "0";

    /// <summary>TicketBroker reserve the broadcaster account keeps (topped up at start); 0 leaves it alone.</summary>
    [RegularExpression("^[0-9]{1,40}$")]
    public string ReserveWei { get; set; } = "0";

    [Required]
    public string FfprobePath { get; set; } = "ffprobe";

    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    /// <summary>
    /// Deep checks (livepeer-protocol §6, spot checks by random sampling): besides each orchestrator's first segment of
    /// every stream session, one segment in this many is compared with its source. 0 turns deep checks off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int DeepCheckEvery { get; set; } = 10;

    /// <summary>
    /// The mean SSIM a rendition must reach against its source scaled to the rendition's size. Honest encodes of the
    /// default ladders score above 0.9; a different or distorted picture falls far below.
    /// </summary>
    [Range(0, 1)]
    public double MinSsim { get; set; } = 0.8;

    /// <summary>
    /// How long an orchestrator caught handing back bad work (a rendition that fails a check) gets no segment at all;
    /// an operator can reinstate it sooner. Failures that are not its work's fault (timeouts, refusals) suspend it
    /// for a refresh round only.
    /// </summary>
    [Range(1, 30 * 86_400)]
    public int BadWorkSuspendSeconds { get; set; } = 3600;

    public bool UsesChain => !string.IsNullOrEmpty(RpcUrl) && !string.IsNullOrEmpty(Controller);

    public bool Enabled => UsesChain || OrchestratorUris.Count > 0;

    public SelectionWeights Weights => new(StakeWeight, RandomWeight, PriceWeight, PriceExpFactor);

    public SenderLimits TicketLimits => new(MaxTicketEvWei, MaxTotalEvWei, MaxFaceValueWei, MaxTicketsPerSegment);
}
