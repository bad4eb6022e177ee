using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// TicketBroker call shape (livepeer-protocol §4.1), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[Function("redeemWinningTicket")]
public sealed class RedeemWinningTicketFunction : FunctionMessage
{
    [Parameter("tuple", "ticket", 1)]
    public TicketStruct Ticket { get; set; } = new();

    [Parameter("bytes", "sig", 2)]
    public byte[] Sig { get; set; } = [];

    [Parameter("uint256", "recipientRand", 3)]
    public BigInteger RecipientRand { get; set; }
}
