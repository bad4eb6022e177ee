using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// Call shapes of the Livepeer contracts the gateway reads (livepeer-protocol §1.1, §4.2–4.4). The same signatures
// are served by Livepeer's contracts on Arbitrum One and by our devnet contracts in deploy/chain.

[Function("getContract", "address")]
public sealed class GetContractFunction : FunctionMessage
{
    [Parameter("bytes32", "_id", 1)]
    public byte[] Id { get; set; } = [];
}

[Function("getTranscoderPoolSize", "uint256")]
public sealed class GetTranscoderPoolSizeFunction : FunctionMessage;

[Function("getFirstTranscoderInPool", "address")]
public sealed class GetFirstTranscoderInPoolFunction : FunctionMessage;

[Function("getNextTranscoderInPool", "address")]
public sealed class GetNextTranscoderInPoolFunction : FunctionMessage
{
    [Parameter("address", "_transcoder", 1)]
    public string Transcoder { get; set; } = "";
}

[Function("transcoderTotalStake", "uint256")]
public sealed class TranscoderTotalStakeFunction : FunctionMessage
{
    [Parameter("address", "_transcoder", 1)]
    public string Transcoder { get; set; } = "";
}

[Function("isActiveTranscoder", "bool")]
public sealed class IsActiveTranscoderFunction : FunctionMessage
{
    [Parameter("address", "_transcoder", 1)]
    public string Transcoder { get; set; } = "";
}

[Function("getTranscoder", typeof(TranscoderInfo))]
public sealed class GetTranscoderFunction : FunctionMessage
{
    [Parameter("address", "_transcoder", 1)]
    public string Transcoder { get; set; } = "";
}

/// <summary>The ten words of <c>getTranscoder</c>, in Livepeer's order.</summary>
[FunctionOutput]
public sealed class TranscoderInfo : IFunctionOutputDTO
{
    [Parameter("uint256", "lastRewardRound", 1)] public BigInteger LastRewardRound { get; set; }
    [Parameter("uint256", "rewardCut", 2)] public BigInteger RewardCut { get; set; }
    [Parameter("uint256", "feeShare", 3)] public BigInteger FeeShare { get; set; }
    [Parameter("uint256", "lastActiveStakeUpdateRound", 4)] public BigInteger LastActiveStakeUpdateRound { get; set; }
    [Parameter("uint256", "activationRound", 5)] public BigInteger ActivationRound { get; set; }
    [Parameter("uint256", "deactivationRound", 6)] public BigInteger DeactivationRound { get; set; }
    [Parameter("uint256", "activeCumulativeRewards", 7)] public BigInteger ActiveCumulativeRewards { get; set; }
    [Parameter("uint256", "cumulativeRewards", 8)] public BigInteger CumulativeRewards { get; set; }
    [Parameter("uint256", "cumulativeFees", 9)] public BigInteger CumulativeFees { get; set; }
    [Parameter("uint256", "lastFeeRound", 10)] public BigInteger LastFeeRound { get; set; }
}

[Function("getServiceURI", "string")]
public sealed class GetServiceUriFunction : FunctionMessage
{
    [Parameter("address", "_addr", 1)]
    public string Address { get; set; } = "";
}

[Function("currentRound", "uint256")]
public sealed class CurrentRoundFunction : FunctionMessage;

[Function("currentRoundInitialized", "bool")]
public sealed class CurrentRoundInitializedFunction : FunctionMessage;

// Transactions an orchestrator sends to join the pool (livepeer-protocol §4.2–4.3), plus the ERC-20 calls around them.

[Function("bond")]
public sealed class BondFunction : FunctionMessage
{
    [Parameter("uint256", "_amount", 1)]
    public BigInteger Amount { get; set; }

    [Parameter("address", "_to", 2)]
    public string To { get; set; } = "";
}

[Function("transcoder")]
public sealed class TranscoderFunction : FunctionMessage
{
    /// <summary>Share of rewards kept, out of 1,000,000.</summary>
    [Parameter("uint256", "_rewardCut", 1)]
    public BigInteger RewardCut { get; set; }

    /// <summary>Share of fees passed to delegators, out of 1,000,000.</summary>
    [Parameter("uint256", "_feeShare", 2)]
    public BigInteger FeeShare { get; set; }
}

[Function("setServiceURI")]
public sealed class SetServiceUriFunction : FunctionMessage
{
    [Parameter("string", "_serviceURI", 1)]
    public string ServiceUri { get; set; } = "";
}

[Function("initializeRound")]
public sealed class InitializeRoundFunction : FunctionMessage;

[Function("approve", "bool")]
public sealed class ApproveFunction : FunctionMessage
{
    [Parameter("address", "_spender", 1)]
    public string Spender { get; set; } = "";

    [Parameter("uint256", "_value", 2)]
    public BigInteger Value { get; set; }
}

[Function("balanceOf", "uint256")]
public sealed class BalanceOfFunction : FunctionMessage
{
    [Parameter("address", "_owner", 1)]
    public string Owner { get; set; } = "";
}
