using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// BondingManager call shape (livepeer-protocol §1.1–1.2, §4.2), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[Function("getNextTranscoderInPool", "address")]
public sealed class GetNextTranscoderInPoolFunction : FunctionMessage
{
    [Parameter("address", "_transcoder", 1)]
    public string Transcoder { get; set; } = "";
}
