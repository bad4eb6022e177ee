using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// TicketBroker call shape (livepeer-protocol §4.1), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[Function("usedTickets", "bool")]
public sealed class UsedTicketsFunction : FunctionMessage
{
    [Parameter("bytes32", "hash", 1)]
    public byte[] Hash { get; set; } = new byte[32];
}
