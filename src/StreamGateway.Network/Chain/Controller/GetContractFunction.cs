using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// Controller call shape (livepeer-protocol §1.1), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[Function("getContract", "address")]
public sealed class GetContractFunction : FunctionMessage
{
    [Parameter("bytes32", "_id", 1)]
    public byte[] Id { get; set; } = [];
}
