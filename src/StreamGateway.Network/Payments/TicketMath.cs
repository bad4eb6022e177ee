using System.Numerics;
using System.Security.Cryptography;
using Nethereum.Util;

namespace StreamGateway.Network.Payments;

/// <summary>The arithmetic of tickets (livepeer-protocol §3.2–3.5). Pure; wei as BigInteger throughout.</summary>
public static class TicketMath
{
    /// <summary>Expected value of one ticket: faceValue × winProb / (2²⁵⁶ − 1), rounded down.</summary>
    public static BigInteger ExpectedValue(BigInteger faceValue, BigInteger winProb) => faceValue * winProb / Uint256.Max;

    /// <summary>
    /// The win probability that gives a ticket of <paramref name="faceValue"/> the expected value <paramref name="ev"/>:
    /// 0 for a zero face value, certain when face value = EV, else EV × ceil((2²⁵⁶ − 1) / faceValue).
    /// </summary>
    public static BigInteger WinProb(BigInteger ev, BigInteger faceValue)
    {
        if (faceValue.IsZero)
        {
            return BigInteger.Zero;
        }
        if (faceValue == ev)
        {
            return Uint256.Max;
        }
        var quotient = BigInteger.DivRem(Uint256.Max, faceValue, out var remainder);
        return ev * (remainder.IsZero ? quotient : quotient + 1);
    }

    /// <summary>Whether a signed ticket wins: uint256(keccak256(sig ‖ leftPad32(recipientRand))) &lt; winProb.</summary>
    public static bool IsWinning(ReadOnlySpan<byte> signature, BigInteger recipientRand, BigInteger winProb) =>
        Uint256.FromBytes(Sha3Keccack.Current.CalculateHash([.. signature, .. Uint256.ToBytes(recipientRand)])) < winProb;

    /// <summary>recipientRandHash = keccak256(leftPad32(recipientRand)): the commitment the orchestrator hands out.</summary>
    public static byte[] RecipientRandHash(BigInteger recipientRand) => Sha3Keccack.Current.CalculateHash(Uint256.ToBytes(recipientRand));

    /// <summary>
    /// recipientRand = HMAC-SHA256(secret, seed ‖ sender ‖ faceValue ‖ winProb ‖ expirationBlock ‖ price numerator ‖
    /// price denominator ‖ auxData), numbers as minimal big-endian bytes. The orchestrator keeps no state per params: it
    /// recomputes this from what the broadcaster echoes back.
    /// </summary>
    public static BigInteger RecipientRand(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> seed, ReadOnlySpan<byte> sender,
        BigInteger faceValue, BigInteger winProb, BigInteger expirationBlock, BigInteger priceNumerator, BigInteger priceDenominator,
        ReadOnlySpan<byte> auxData)
    {
        byte[] message =
        [
            .. seed, .. sender, .. Uint256.Minimal(faceValue), .. Uint256.Minimal(winProb), .. Uint256.Minimal(expirationBlock),
            .. Uint256.Minimal(priceNumerator), .. Uint256.Minimal(priceDenominator), .. auxData,
        ];
        return Uint256.FromBytes(HMACSHA256.HashData(secret, message));
    }

    /// <summary>
    /// How many tickets to attach for a segment (livepeer-protocol §3.5): the credit needed is max(fee, EV); credit
    /// already held counts; the rest is paid in whole tickets of <paramref name="ev"/>.
    /// </summary>
    /// <remarks>
    /// A BigInteger, not an int: an orchestrator chooses <paramref name="ev"/>, and a tiny one asks for more tickets
    /// than any integer type holds. <see cref="SenderLimits.SpendProblem"/> bounds the count.
    /// </remarks>
    public static BigInteger TicketsFor(BigInteger fee, BigInteger credit, BigInteger ev)
    {
        if (ev.Sign <= 0)
        {
            return BigInteger.Zero;
        }
        var needed = BigInteger.Max(fee, ev);
        if (credit >= needed)
        {
            return BigInteger.Zero;
        }
        var missing = needed - credit;
        return BigInteger.Divide(missing + ev - 1, ev);
    }

    /// <summary>The broadcaster's fee estimate: output pixels × 1.02 × wei per pixel (kept exact as a fraction).</summary>
    public static BigInteger Fee(long outputPixels, BigInteger pricePerUnit, BigInteger pixelsPerUnit) =>
        pixelsPerUnit.IsZero ? BigInteger.Zero : outputPixels * pricePerUnit * 102 / (pixelsPerUnit * 100);
}
