using System.Numerics;
using Nethereum.Util;

namespace StreamGateway.Network.Payments;

/// <summary>
/// A probabilistic micropayment ticket (livepeer-protocol §3.1). <see cref="CreationRound"/> and
/// <see cref="CreationRoundBlockHash"/> travel on chain as the 64-byte <c>auxData</c>.
/// </summary>
public sealed record Ticket(
    byte[] Recipient,
    byte[] Sender,
    BigInteger FaceValue,
    BigInteger WinProb,
    uint SenderNonce,
    byte[] RecipientRandHash,
    BigInteger CreationRound,
    byte[] CreationRoundBlockHash)
{
    /// <summary>auxData: creationRound (32 bytes) ‖ creationRoundBlockHash (32 bytes); empty when both are zero, as go-livepeer leaves it.</summary>
    public byte[] AuxData =>
        CreationRound.IsZero && CreationRoundBlockHash.All(b => b == 0)
            ? []
            : [.. Uint256.ToBytes(CreationRound), .. Uint256.Pad32(CreationRoundBlockHash)];

    /// <summary>
    /// keccak256(abi.encodePacked(recipient, sender, faceValue, winProb, senderNonce, recipientRandHash, auxData)):
    /// 20 + 20 + 4 × 32 bytes, plus 64 bytes of auxData when there is any (232 in all), as TicketBroker.getTicketHash.
    /// </summary>
    public byte[] Hash()
    {
        byte[] packed =
        [
            .. Address(Recipient), .. Address(Sender), .. Uint256.ToBytes(FaceValue), .. Uint256.ToBytes(WinProb),
            .. Uint256.ToBytes(SenderNonce), .. Uint256.Pad32(RecipientRandHash), .. AuxData,
        ];
        return Sha3Keccack.Current.CalculateHash(packed);
    }

    private static byte[] Address(byte[] address) =>
        address.Length == 20 ? address : throw new ArgumentException("an address is 20 bytes", nameof(address));
}

/// <summary>uint256 as 32 big-endian bytes, and back. Pure.</summary>
public static class Uint256
{
    public static readonly BigInteger Max = BigInteger.Pow(2, 256) - 1;

    public static byte[] ToBytes(BigInteger value)
    {
        if (value.Sign < 0 || value > Max)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "not a uint256");
        }
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return Pad32(bytes);
    }

    public static BigInteger FromBytes(ReadOnlySpan<byte> bytes) => new(bytes, isUnsigned: true, isBigEndian: true);

    /// <summary>Left-pads to 32 bytes (go's leftPad32; protobuf fields carry minimal big-endian bytes).</summary>
    public static byte[] Pad32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 32)
        {
            throw new ArgumentException("more than 32 bytes", nameof(bytes));
        }
        var result = new byte[32];
        bytes.CopyTo(result.AsSpan(32 - bytes.Length));
        return result;
    }

    /// <summary>Minimal big-endian bytes (empty for zero), as go's big.Int.Bytes() and the protobuf fields.</summary>
    public static byte[] Minimal(BigInteger value) => value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
}
