using System.Numerics;

namespace StreamGateway.Network.Payments;

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
