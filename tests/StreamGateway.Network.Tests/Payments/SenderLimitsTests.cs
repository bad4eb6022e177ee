using System.Numerics;
using StreamGateway.Network.Payments;

namespace StreamGateway.Network.Tests.Payments;

public sealed class SenderLimitsTests
{
    // go-livepeer's broadcaster defaults: 3e12 wei per ticket, 2e13 wei per segment; a 0.05 ETH face value; 100 tickets.
    private static readonly SenderLimits Defaults = new(3_000_000_000_000, 20_000_000_000_000, BigInteger.Parse("50000000000000000"), 100);

    [Fact]
    public void Ordinary_params_pass()
    {
        // livepeer-protocol §3.5's example: EV 8e9 wei, a 2.44e10 wei fee, four tickets.
        var ev = new BigInteger(8_000_000_000);
        var face = ev * 100;
        var winProb = TicketMath.WinProb(ev, face);
        Assert.Null(Defaults.ParamsProblem(face, winProb));
        var count = TicketMath.TicketsFor(24_429_081_600, 0, TicketMath.ExpectedValue(face, winProb));
        Assert.Equal(4, (int)count);
        Assert.Null(Defaults.SpendProblem(count, ev));
    }

    [Fact]
    public void A_huge_face_value_that_always_wins_is_refused()
    {
        var face = BigInteger.Parse("100000000000000000000"); // 100 ETH: the whole devnet deposit in one ticket
        Assert.Contains("face value", Defaults.ParamsProblem(face, Uint256.Max), StringComparison.Ordinal);
        // Within the face value limit, a certain win is still refused (go-livepeer: EV ≥ faceValue).
        Assert.Equal("its tickets always win", Defaults.ParamsProblem(1_000_000, Uint256.Max));
    }

    [Fact]
    public void An_expected_value_above_the_maximum_is_refused()
    {
        var face = BigInteger.Parse("10000000000000000");
        var problem = Defaults.ParamsProblem(face, Uint256.Max / 2); // EV 5e15
        Assert.Contains("expected value 4999999999999999 wei is above the maximum 3000000000000", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Worthless_or_impossible_tickets_are_refused()
    {
        Assert.NotNull(Defaults.ParamsProblem(0, Uint256.Max));
        Assert.NotNull(Defaults.ParamsProblem(1_000_000, 0));
        Assert.NotNull(Defaults.ParamsProblem(1_000_000, Uint256.Max + 1));
        Assert.Equal("its tickets are worth nothing", Defaults.ParamsProblem(1_000_000, 1));
    }

    [Fact]
    public void A_tiny_expected_value_asks_for_more_tickets_than_any_int_holds_and_is_refused()
    {
        // 1 wei per ticket against a 1e11 wei fee: 1e11 tickets. Counted as a BigInteger, then refused by the cap.
        var count = TicketMath.TicketsFor(100_000_000_000, 0, 1);
        Assert.Equal(new BigInteger(100_000_000_000), count);
        Assert.Contains("more than 100", Defaults.SpendProblem(count, 1), StringComparison.Ordinal);
        Assert.Null(Defaults.SpendProblem(100, 1));
    }

    [Fact]
    public void Spend_per_segment_is_bounded()
    {
        Assert.Null(Defaults.SpendProblem(6, 3_000_000_000_000));
        Assert.Contains("more than the maximum 20000000000000", Defaults.SpendProblem(7, 3_000_000_000_000), StringComparison.Ordinal);
    }
}
