using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// BondingManager call shape (livepeer-protocol §1.1–1.2, §4.2), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[Function("bond")]
public sealed class BondFunction : FunctionMessage
{
    [Parameter("uint256", "_amount", 1)]
    public BigInteger Amount { get; set; }

    [Parameter("address", "_to", 2)]
    public string To { get; set; } = "";
}
