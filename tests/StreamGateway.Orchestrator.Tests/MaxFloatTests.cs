using System.Numerics;
using StreamGateway.Network.Chain;
using StreamGateway.Orchestrator.Payments;

namespace StreamGateway.Orchestrator.Tests;

public sealed class MaxFloatTests
{
    private static SenderState State(long deposit, long funds, long claimedThisRound, long poolSize, long claimedByMe) => new(
        new SenderInfoOutput
        {
            Sender = new SenderStruct { Deposit = deposit },
            Reserve = new ReserveInfoStruct { FundsRemaining = funds, ClaimedInCurrentRound = claimedThisRound },
        },
        poolSize, claimedByMe, DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData(0, 900, 0, 3, 0, 0, 300)] // an equal share of the reserve per orchestrator in the pool
    [InlineData(0, 600, 300, 3, 100, 0, 200)] // what was claimed this round still counts in the split; my own claims do not
    [InlineData(300, 900, 0, 3, 0, 100, 300)] // the deposit covers pending tickets three times over
    [InlineData(200, 900, 0, 3, 0, 100, 200)] // otherwise pending face value comes off the allocation
    [InlineData(0, 900, 0, 3, 400, 0, 0)] // claimed more than the share: nothing, never negative
    [InlineData(5000, 0, 0, 3, 0, 0, 0)] // a deposit without reserve stands behind no face value
    [InlineData(0, 900, 0, 0, 0, 0, 0)] // an empty pool
    public void Max_float_follows_the_reserve_share_and_pending_tickets(long deposit, long funds, long claimedThisRound, long poolSize,
        long claimedByMe, long pending, long expected) =>
        Assert.Equal(new BigInteger(expected), SenderMonitor.MaxFloat(State(deposit, funds, claimedThisRound, poolSize, claimedByMe), pending));
}
