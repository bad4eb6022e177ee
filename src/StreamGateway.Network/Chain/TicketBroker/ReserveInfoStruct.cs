using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace StreamGateway.Network.Chain;

// TicketBroker call shape (livepeer-protocol §4.1), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

public sealed class ReserveInfoStruct
{
    [Parameter("uint256", "fundsRemaining", 1)]
    public BigInteger FundsRemaining { get; set; }

    [Parameter("uint256", "claimedInCurrentRound", 2)]
    public BigInteger ClaimedInCurrentRound { get; set; }
}
