using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Core.Economics;

/// <summary>Section <c>Economics</c>: how the gateway shows the network's incentives and whether it slashes.</summary>
public sealed class EconomicsOptions
{
    public const string Section = "Economics";

    /// <summary>
    /// Block from which <c>Bond</c> events are read to count each orchestrator's delegators. Unset, counts are left out
    /// (null): on Arbitrum One an RPC will not scan from block 0, so set it to a recent block there. <c>./dev</c> sets 0.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long? DelegatorEventsFromBlock { get; set; }

    /// <summary>
    /// Submit <c>slashTranscoder</c> when verification bans an on-chain orchestrator for confirmed bad work. Off by
    /// default: it needs <see cref="SlasherPrivateKey"/> to be the account the Controller names as <c>Verifier</c>.
    /// </summary>
    public bool Slash { get; set; }

    /// <summary>The verifier account (hex private key) that signs <c>slashTranscoder</c>; its address is the finder paid.</summary>
    [RegularExpression("^(0x)?[0-9a-fA-F]{64}$")]
    public string? SlasherPrivateKey { get; set; }

    /// <summary>Share of the orchestrator's bonded stake taken, over 1,000,000 (50,000 = 5 %).</summary>
    [Range(1, 1_000_000)]
    public int SlashAmount { get; set; } = 50_000;

    /// <summary>Share of the penalty paid to the finder, over 1,000,000 (500,000 = half); the rest is burned.</summary>
    [Range(0, 1_000_000)]
    public int FinderFee { get; set; } = 500_000;
}
