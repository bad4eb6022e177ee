using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// TicketBroker call shape (livepeer-protocol §4.1), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[Function("fundDepositAndReserve")]
public sealed class FundDepositAndReserveFunction : FunctionMessage
{
    [Parameter("uint256", "depositAmount", 1)]
    public BigInteger DepositAmount { get; set; }

    [Parameter("uint256", "reserveAmount", 2)]
    public BigInteger ReserveAmount { get; set; }
}
