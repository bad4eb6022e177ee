using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// LivepeerToken (ERC-20) call shape, used around bonding (livepeer-protocol §4.2).

[Function("approve", "bool")]
public sealed class ApproveFunction : FunctionMessage
{
    [Parameter("address", "_spender", 1)]
    public string Spender { get; set; } = "";

    [Parameter("uint256", "_value", 2)]
    public BigInteger Value { get; set; }
}
