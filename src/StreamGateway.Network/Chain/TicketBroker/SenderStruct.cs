using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;

namespace StreamGateway.Network.Chain;

// TicketBroker call shape (livepeer-protocol §4.1), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

public sealed class SenderStruct
{
    [Parameter("uint256", "deposit", 1)]
    public BigInteger Deposit { get; set; }

    [Parameter("uint256", "withdrawRound", 2)]
    public BigInteger WithdrawRound { get; set; }
}
