using System.Globalization;
using System.Numerics;

namespace StreamGateway.Network.Payments;

/// <summary>
/// What a broadcaster accepts from an orchestrator's ticket params before it signs anything (livepeer-protocol §3.6,
/// go-livepeer's <c>validateTicketParams</c>, plus a bound on the number of tickets). The orchestrator chooses face
/// value and win probability; without these bounds a certain-win ticket of a huge face value drains the deposit in
/// one segment, and a tiny expected value makes the broadcaster sign millions of tickets. Pure.
/// </summary>
/// <param name="MaxTicketEv">Highest expected value of one ticket, in wei (go-livepeer's -maxTicketEV: 3e12).</param>
/// <param name="MaxTotalEv">Highest expected value of all the tickets sent with one segment (-maxTotalEV: 2e13).</param>
/// <param name="MaxFaceValue">Highest face value, in wei (go-livepeer: deposit / -depositMultiplier).</param>
/// <param name="MaxTicketsPerSegment">Most tickets signed for one segment.</param>
public sealed record SenderLimits(BigInteger MaxTicketEv, BigInteger MaxTotalEv, BigInteger MaxFaceValue, int MaxTicketsPerSegment)
{
    /// <returns>Null when tickets of this face value and win probability may be sent, else why not.</returns>
    public string? ParamsProblem(BigInteger faceValue, BigInteger winProb)
    {
        if (faceValue.Sign <= 0 || winProb.Sign <= 0)
        {
            return "its tickets have no face value or no chance to win";
        }
        if (faceValue > Uint256.Max || winProb > Uint256.Max)
        {
            return "its ticket params are not uint256 values";
        }
        if (faceValue > MaxFaceValue)
        {
            return Say($"its ticket face value {faceValue} wei is above the maximum {MaxFaceValue}");
        }
        var ev = TicketMath.ExpectedValue(faceValue, winProb);
        if (ev >= faceValue)
        {
            return "its tickets always win";
        }
        if (ev > MaxTicketEv)
        {
            return Say($"its ticket expected value {ev} wei is above the maximum {MaxTicketEv}");
        }
        return ev.IsZero ? "its tickets are worth nothing" : null;
    }

    /// <returns>Null when <paramref name="count"/> tickets of <paramref name="ev"/> may go with one segment, else why not.</returns>
    public string? SpendProblem(BigInteger count, BigInteger ev)
    {
        if (count > MaxTicketsPerSegment)
        {
            return Say($"a segment would take {count} of its tickets (expected value {ev} wei each), more than {MaxTicketsPerSegment}");
        }
        return count * ev > MaxTotalEv
            ? Say($"a segment would send tickets worth {count * ev} wei, more than the maximum {MaxTotalEv}")
            : null;
    }

    private static string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
