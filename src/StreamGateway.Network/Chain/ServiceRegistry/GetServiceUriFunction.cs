using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// ServiceRegistry call shape (livepeer-protocol §1.2, §4.3), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[Function("getServiceURI", "string")]
public sealed class GetServiceUriFunction : FunctionMessage
{
    [Parameter("address", "_addr", 1)]
    public string Address { get; set; } = "";
}
