using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// TicketBroker call shape (livepeer-protocol §4.1), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[Function("getTicketHash", "bytes32")]
public sealed class GetTicketHashFunction : FunctionMessage
{
    [Parameter("tuple", "ticket", 1)]
    public TicketStruct Ticket { get; set; } = new();
}
