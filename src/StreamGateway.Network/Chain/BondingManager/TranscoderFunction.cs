using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// BondingManager call shape (livepeer-protocol §1.1–1.2, §4.2), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

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
