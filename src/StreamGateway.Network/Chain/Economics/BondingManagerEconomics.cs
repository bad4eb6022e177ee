using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain.Economics;

// BondingManager's delegation, earnings and slashing calls, in Livepeer's shapes (contracts/bonding/BondingManager.sol):
// served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[Function("getDelegator", typeof(DelegatorInfo))]
public sealed class GetDelegatorFunction : FunctionMessage
{
    [Parameter("address", "_delegator", 1)] public string Delegator { get; set; } = "";
}

/// <summary>The seven words of <c>getDelegator</c>, in Livepeer's order.</summary>
[FunctionOutput]
public sealed class DelegatorInfo : IFunctionOutputDTO
{
    [Parameter("uint256", "bondedAmount", 1)] public BigInteger BondedAmount { get; set; }
    [Parameter("uint256", "fees", 2)] public BigInteger Fees { get; set; }
    [Parameter("address", "delegateAddress", 3)] public string DelegateAddress { get; set; } = "";
    [Parameter("uint256", "delegatedAmount", 4)] public BigInteger DelegatedAmount { get; set; }
    [Parameter("uint256", "startRound", 5)] public BigInteger StartRound { get; set; }
    [Parameter("uint256", "lastClaimRound", 6)] public BigInteger LastClaimRound { get; set; }
    [Parameter("uint256", "nextUnbondingLockId", 7)] public BigInteger NextUnbondingLockId { get; set; }
}

[Function("getDelegatorUnbondingLock", typeof(UnbondingLockInfo))]
public sealed class GetDelegatorUnbondingLockFunction : FunctionMessage
{
    [Parameter("address", "_delegator", 1)] public string Delegator { get; set; } = "";
    [Parameter("uint256", "_unbondingLockId", 2)] public BigInteger LockId { get; set; }
}

[FunctionOutput]
public sealed class UnbondingLockInfo : IFunctionOutputDTO
{
    [Parameter("uint256", "amount", 1)] public BigInteger Amount { get; set; }
    [Parameter("uint256", "withdrawRound", 2)] public BigInteger WithdrawRound { get; set; }
}

[Function("pendingStake", "uint256")]
public sealed class PendingStakeFunction : FunctionMessage
{
    [Parameter("address", "_delegator", 1)] public string Delegator { get; set; } = "";
    [Parameter("uint256", "_endRound", 2)] public BigInteger EndRound { get; set; }
}

[Function("pendingFees", "uint256")]
public sealed class PendingFeesFunction : FunctionMessage
{
    [Parameter("address", "_delegator", 1)] public string Delegator { get; set; } = "";
    [Parameter("uint256", "_endRound", 2)] public BigInteger EndRound { get; set; }
}

[Function("getTotalBonded", "uint256")]
public sealed class GetTotalBondedFunction : FunctionMessage;

[Function("claimEarnings")]
public sealed class ClaimEarningsFunction : FunctionMessage
{
    [Parameter("uint256", "_endRound", 1)] public BigInteger EndRound { get; set; }
}

[Function("unbond")]
public sealed class UnbondFunction : FunctionMessage
{
    [Parameter("uint256", "_amount", 1)] public BigInteger Amount { get; set; }
}

[Function("rebond")]
public sealed class RebondFunction : FunctionMessage
{
    [Parameter("uint256", "_unbondingLockId", 1)] public BigInteger LockId { get; set; }
}

[Function("rebondFromUnbonded")]
public sealed class RebondFromUnbondedFunction : FunctionMessage
{
    [Parameter("address", "_to", 1)] public string To { get; set; } = "";
    [Parameter("uint256", "_unbondingLockId", 2)] public BigInteger LockId { get; set; }
}

[Function("withdrawStake")]
public sealed class WithdrawStakeFunction : FunctionMessage
{
    [Parameter("uint256", "_unbondingLockId", 1)] public BigInteger LockId { get; set; }
}

[Function("withdrawFees")]
public sealed class WithdrawFeesFunction : FunctionMessage
{
    [Parameter("address", "_recipient", 1)] public string Recipient { get; set; } = "";
    [Parameter("uint256", "_amount", 2)] public BigInteger Amount { get; set; }
}

[Function("reward")]
public sealed class RewardFunction : FunctionMessage;

[Function("slashTranscoder")]
public sealed class SlashTranscoderFunction : FunctionMessage
{
    [Parameter("address", "_transcoder", 1)] public string Transcoder { get; set; } = "";
    [Parameter("address", "_finder", 2)] public string Finder { get; set; } = "";
    /// <summary>Share of the bonded stake taken, over <see cref="Perc.Divisor"/>.</summary>
    [Parameter("uint256", "_slashAmount", 3)] public BigInteger SlashAmount { get; set; }
    /// <summary>Share of the penalty paid to the finder, over <see cref="Perc.Divisor"/>.</summary>
    [Parameter("uint256", "_finderFee", 4)] public BigInteger FinderFee { get; set; }
}

/// <summary>Events of BondingManager the gateway follows, to know who delegates to whom.</summary>
[Event("Bond")]
public sealed class BondEvent : IEventDTO
{
    [Parameter("address", "newDelegate", 1, true)] public string NewDelegate { get; set; } = "";
    [Parameter("address", "oldDelegate", 2, true)] public string OldDelegate { get; set; } = "";
    [Parameter("address", "delegator", 3, true)] public string Delegator { get; set; } = "";
    [Parameter("uint256", "additionalAmount", 4, false)] public BigInteger AdditionalAmount { get; set; }
    [Parameter("uint256", "bondedAmount", 5, false)] public BigInteger BondedAmount { get; set; }
}

/// <summary>Livepeer's fixed-point base for shares (reward cut, fee share, slash amounts, rates): 1,000,000 = 100 %.</summary>
public static class Perc
{
    public static readonly BigInteger Divisor = 1_000_000;

    public static double Share(BigInteger value) => (double)value / 1_000_000;
}

[Event("TranscoderSlashed")]
public sealed class TranscoderSlashedEvent : IEventDTO
{
    [Parameter("address", "transcoder", 1, true)] public string Transcoder { get; set; } = "";
    [Parameter("address", "finder", 2, false)] public string Finder { get; set; } = "";
    [Parameter("uint256", "penalty", 3, false)] public BigInteger Penalty { get; set; }
    [Parameter("uint256", "finderReward", 4, false)] public BigInteger FinderReward { get; set; }
}

[Event("Reward")]
public sealed class RewardEvent : IEventDTO
{
    [Parameter("address", "transcoder", 1, true)] public string Transcoder { get; set; } = "";
    [Parameter("uint256", "amount", 2, false)] public BigInteger Amount { get; set; }
}

[Event("TranscoderFeesUpdated")]
public sealed class TranscoderFeesUpdatedEvent : IEventDTO
{
    [Parameter("address", "transcoder", 1, true)] public string Transcoder { get; set; } = "";
    [Parameter("uint256", "fees", 2, false)] public BigInteger Fees { get; set; }
    [Parameter("uint256", "round", 3, false)] public BigInteger Round { get; set; }
}
