using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// RoundsManager call shape (livepeer-protocol §4.4), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[Function("blockHashForRound", "bytes32")]
public sealed class BlockHashForRoundFunction : FunctionMessage
{
    [Parameter("uint256", "round", 1)]
    public BigInteger Round { get; set; }
}
