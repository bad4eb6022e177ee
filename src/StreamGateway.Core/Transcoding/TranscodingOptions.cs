using System.ComponentModel.DataAnnotations;
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

    /// <summary>Highest price accepted, in wei per pixel; unset accepts any price.</summary>
    [Range(0, double.MaxValue)]
    public double? MaxPricePerPixel { get; set; }

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
}
