using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// TicketBroker call shape (livepeer-protocol §4.1), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[Function("batchRedeemWinningTickets")]
public sealed class BatchRedeemWinningTicketsFunction : FunctionMessage
{
    [Parameter("tuple[]", "tickets", 1)]
    public List<TicketStruct> Tickets { get; set; } = [];

    [Parameter("bytes[]", "sigs", 2)]
    public List<byte[]> Sigs { get; set; } = [];

    [Parameter("uint256[]", "recipientRands", 3)]
    public List<BigInteger> RecipientRands { get; set; } = [];
}
