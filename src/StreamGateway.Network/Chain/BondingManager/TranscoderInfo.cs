using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace StreamGateway.Network.Chain;

// BondingManager call shape (livepeer-protocol §1.1–1.2, §4.2), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

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
