using System.Numerics;
using StreamGateway.Network.Chain.Economics;

namespace StreamGateway.Core.Economics;

/// <summary>The network's incentives in the current round (our extension to the Studio API). Token and ETH amounts are
/// decimal strings in the smallest unit (18 decimals); rates are fractions (0.5 = 50 %).</summary>
public sealed class NetworkResource
{
    public required string Round { get; init; }
    public bool RoundInitialized { get; init; }
    /// <summary>Share of the total supply minted this round.</summary>
    public double InflationPerRound { get; init; }
    /// <summary>How much the inflation moves each round toward the target bonding rate.</summary>
    public double InflationChange { get; init; }
    public double TargetBondingRate { get; init; }
    /// <summary>Total bonded over total supply.</summary>
    public double BondingRate { get; init; }
    public required string TotalSupply { get; init; }
    public required string TotalBonded { get; init; }
    /// <summary>Tokens the round mints, shared by active orchestrators calling reward().</summary>
    public required string MintableThisRound { get; init; }
    public required ContractsResource Contracts { get; init; }
    public required List<OrchestratorEconomicsResource> Orchestrators { get; init; }

    internal static NetworkResource From(NetworkState s, EconomicsAddresses c, List<OrchestratorEconomicsResource> orchestrators) => new()
    {
        Round = NetworkView.Wei(s.Round),
        RoundInitialized = s.RoundInitialized,
        InflationPerRound = s.InflationPerRound,
        InflationChange = s.InflationChange,
        TargetBondingRate = s.TargetBondingRate,
        BondingRate = s.BondingRate,
        TotalSupply = NetworkView.Wei(s.TotalSupply),
        TotalBonded = NetworkView.Wei(s.TotalBonded),
        MintableThisRound = NetworkView.Wei(s.MintableThisRound),
        Contracts = new ContractsResource
        {
            BondingManager = c.BondingManager, RoundsManager = c.RoundsManager, Minter = c.Minter, Token = c.Token, Governor = c.Governor,
        },
        Orchestrators = orchestrators,
    };
}

public sealed class ContractsResource
{
    public required string BondingManager { get; init; }
    public required string RoundsManager { get; init; }
    public required string Minter { get; init; }
    public required string Token { get; init; }
    public string? Governor { get; init; }
}

/// <summary>One orchestrator of the on-chain pool and what it earns.</summary>
public sealed class OrchestratorEconomicsResource
{
    public required string Address { get; init; }
    /// <summary>Its own bond plus everything delegated to it.</summary>
    public required string TotalStake { get; init; }
    public bool Active { get; init; }
    /// <summary>Share of each reward the orchestrator keeps.</summary>
    public double RewardCut { get; init; }
    /// <summary>Share of fees passed to its delegators.</summary>
    public double FeeShare { get; init; }
    public required string LastRewardRound { get; init; }
    /// <summary>It has called reward() in the current round.</summary>
    public bool RewardedThisRound { get; init; }
    /// <summary>Rewards its own stake earned since its last claim (LIP-36 cumulativeRewards).</summary>
    public required string Rewards { get; init; }
    /// <summary>Fees it earned since its last claim (LIP-36 cumulativeFees), in wei.</summary>
    public required string Fees { get; init; }
    public required string LastFeeRound { get; init; }
    /// <summary>Addresses other than itself bonded to it; null when not counted (Economics:DelegatorEventsFromBlock unset).</summary>
    public int? Delegators { get; init; }

    internal static OrchestratorEconomicsResource From(OrchestratorEconomics o, bool active, BigInteger round) => new()
    {
        Address = o.Address,
        TotalStake = NetworkView.Wei(o.TotalStake),
        Active = active,
        RewardCut = o.RewardCut,
        FeeShare = o.FeeShare,
        LastRewardRound = NetworkView.Wei(o.LastRewardRound),
        RewardedThisRound = o.LastRewardRound == round,
        Rewards = NetworkView.Wei(o.CumulativeRewards),
        Fees = NetworkView.Wei(o.CumulativeFees),
        LastFeeRound = NetworkView.Wei(o.LastFeeRound),
        Delegators = o.Delegators,
    };
}

/// <summary>One address's stake: what it bonded, what it would hold after claiming up to now, and its unbonding locks.</summary>
public sealed class DelegatorResource
{
    public required string Address { get; init; }
    /// <summary>The orchestrator it is bonded to; null when unbonded.</summary>
    public string? Delegate { get; init; }
    public required string Bonded { get; init; }
    /// <summary>Bond plus rewards not yet claimed.</summary>
    public required string PendingStake { get; init; }
    /// <summary>Fees (wei) claimable, claimed or not, not yet withdrawn.</summary>
    public required string PendingFees { get; init; }
    public required string StartRound { get; init; }
    public required string LastClaimRound { get; init; }
    public required List<UnbondingLockResource> UnbondingLocks { get; init; }

    internal static DelegatorResource From(DelegatorPosition d) => new()
    {
        Address = d.Address,
        Delegate = d.Delegate,
        Bonded = NetworkView.Wei(d.Bonded),
        PendingStake = NetworkView.Wei(d.PendingStake),
        PendingFees = NetworkView.Wei(d.PendingFees),
        StartRound = NetworkView.Wei(d.StartRound),
        LastClaimRound = NetworkView.Wei(d.LastClaimRound),
        UnbondingLocks = [.. d.UnbondingLocks.Select(l => new UnbondingLockResource
        {
            Id = (long)l.Id, Amount = NetworkView.Wei(l.Amount), WithdrawRound = NetworkView.Wei(l.WithdrawRound),
        })],
    };
}

public sealed class UnbondingLockResource
{
    public long Id { get; init; }
    public required string Amount { get; init; }
    /// <summary>The round from which withdrawStake(id) pays it out.</summary>
    public required string WithdrawRound { get; init; }
}
