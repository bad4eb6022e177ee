using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Orchestrator.Chain;

/// <summary>Section <c>Chain</c>: where and as whom the orchestrator joins the transcoder pool. Unset RPC: no chain.</summary>
public sealed class ChainOptions
{
    public const string Section = "Chain";

    public string? RpcUrl { get; set; }

    [RegularExpression("^0x[0-9a-fA-F]{40}$")]
    public string? Controller { get; set; }

    /// <summary>The orchestrator's account key (hex). Keep it in a secret store in production.</summary>
    [RegularExpression("^(0x)?[0-9a-fA-F]{64}$")]
    public string? PrivateKey { get; set; }

    /// <summary>Self-stake to hold, in the token's smallest unit (18 decimals).</summary>
    [RegularExpression("^[0-9]{1,60}$")]
    public string StakeWei { get; set; } = "0";

    /// <summary>Share of rewards kept, out of 1,000,000.</summary>
    [Range(0, 1_000_000)]
    public int RewardCut { get; set; } = 100_000;

    /// <summary>Share of fees passed to delegators, out of 1,000,000.</summary>
    [Range(0, 1_000_000)]
    public int FeeShare { get; set; } = 500_000;

    /// <summary>
    /// Initialize each new round as soon as it starts (go-livepeer's -initializeRound). Without anyone doing this the
    /// protocol stalls: stake cannot move and new orchestrators never become active.
    /// </summary>
    public bool InitializeRounds { get; set; }

    /// <summary>
    /// Call <c>reward()</c> once in every initialized round while active (go-livepeer's <c>-reward</c>, on by default
    /// for an on-chain orchestrator): the round's newly minted share for this orchestrator's stake exists only if it does.
    /// </summary>
    public bool Reward { get; set; } = true;

    /// <summary>
    /// Withdraw earned ticket fees (ETH, held by the Minter) to this account once they reach this many wei; 0 leaves
    /// them on chain until the operator withdraws them.
    /// </summary>
    [RegularExpression("^[0-9]{1,40}$")]
    public string WithdrawFeesAboveWei { get; set; } = "0";

    [Range(1, 3600)]
    public int RoundPollSeconds { get; set; } = 5;

    public bool Enabled => !string.IsNullOrEmpty(RpcUrl);
}
