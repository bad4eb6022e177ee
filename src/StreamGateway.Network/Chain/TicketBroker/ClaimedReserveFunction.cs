using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// TicketBroker call shape (livepeer-protocol §4.1), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[Function("claimedReserve", "uint256")]
public sealed class ClaimedReserveFunction : FunctionMessage
{
    [Parameter("address", "reserveHolder", 1)]
    public string ReserveHolder { get; set; } = "";

    [Parameter("address", "claimant", 2)]
    public string Claimant { get; set; } = "";
}
