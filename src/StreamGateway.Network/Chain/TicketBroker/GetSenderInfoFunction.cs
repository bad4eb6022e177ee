using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// TicketBroker call shape (livepeer-protocol §4.1), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[Function("getSenderInfo", typeof(SenderInfoOutput))]
public sealed class GetSenderInfoFunction : FunctionMessage
{
    [Parameter("address", "addr", 1)]
    public string Address { get; set; } = "";
}
