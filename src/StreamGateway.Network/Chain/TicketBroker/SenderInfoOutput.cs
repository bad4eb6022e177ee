using Nethereum.ABI.FunctionEncoding.Attributes;

namespace StreamGateway.Network.Chain;

// TicketBroker call shape (livepeer-protocol §4.1), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[FunctionOutput]
public sealed class SenderInfoOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "sender", 1)]
    public SenderStruct Sender { get; set; } = new();

    [Parameter("tuple", "reserve", 2)]
    public ReserveInfoStruct Reserve { get; set; } = new();
}
