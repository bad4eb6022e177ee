using System.Numerics;
using StreamGateway.Orchestrator.Payments;

namespace StreamGateway.Orchestrator.Tests;

/// <summary>The ledger's two tables on their own: what they refuse, what they forget, and their bounds.</summary>
public sealed class PaymentLedgerBooksTests
{
    [Fact]
    public void Nonces_count_once_per_params_until_the_params_expire_and_the_params_tracked_are_bounded()
    {
        var nonces = new SenderNonces(maxParams: 2);
        Assert.Null(nonces.Use("a", expirationBlock: 10, nonce: 1));
        Assert.Equal("invalid ticket senderNonce 1", nonces.Use("a", 10, 1));
        Assert.Null(nonces.Use("b", 20, 1));
        Assert.Equal("too many ticket params in use; try again later", nonces.Use("c", 30, 1));

        Assert.Equal(0, nonces.ForgetExpired(9));
        Assert.Equal(1, nonces.ForgetExpired(10));
        Assert.Equal(1, nonces.Count);
        Assert.Null(nonces.Use("c", 30, 1));
        Assert.Equal(2, nonces.ForgetExpired(30));
        Assert.Equal(0, nonces.Count);
    }

    [Fact]
    public void A_sender_has_at_most_600_nonces_per_params()
    {
        var nonces = new SenderNonces(maxParams: 1);
        for (uint n = 0; n < SenderNonces.MaxNoncesPerParams; n++)
        {
            Assert.Null(nonces.Use("a", 10, n));
        }
        Assert.Equal("invalid ticket senderNonce 600", nonces.Use("a", 10, 600));
    }

    [Fact]
    public void Idle_balances_are_forgotten_and_a_new_one_beyond_the_bound_is_not_kept()
    {
        var balances = new SessionBalances(maxBalances: 2);
        var start = DateTimeOffset.UnixEpoch;
        balances.Add(("s", "1"), 100, start);
        balances.Add(("s", "2"), 50, start.AddSeconds(5));
        Assert.False(balances.CanHold(("s", "3")));
        Assert.True(balances.CanHold(("s", "1")));

        balances.Add(("s", "1"), -30, start.AddSeconds(10)); // a debit is use too
        Assert.Equal(new BigInteger(70), balances.Get(("s", "1")));
        Assert.Equal(1, balances.ForgetIdle(start.AddSeconds(8)));
        Assert.Equal(BigInteger.Zero, balances.Get(("s", "2")));
        Assert.True(balances.CanHold(("s", "3")));
        Assert.Equal(1, balances.ForgetIdle(start.AddSeconds(11)));
        Assert.Equal(0, balances.Count);
    }
}
