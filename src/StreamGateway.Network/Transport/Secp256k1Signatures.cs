using Nethereum.Util;
using Secp256k1Net;

namespace StreamGateway.Network.Transport;

/// <summary>
/// secp256k1 signing and address recovery over 32-byte digests, in Ethereum's 65-byte form r ‖ s ‖ v with v ∈ {27, 28},
/// through libsecp256k1 (RFC 6979 nonces, always low s), so tickets can be signed and checked at the rate DESIGN §6
/// asks for.
/// </summary>
public static class Secp256k1Signatures
{
    public static byte[] Sign(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> digest)
    {
        var (signature, recoveryId) = Secp256k1.SignRecoverable(digest, privateKey);
        var result = new byte[65];
        signature.CopyTo(result, 0);
        result[64] = (byte)(27 + recoveryId);
        return result;
    }

    /// <summary>The 20-byte address that made <paramref name="signature"/> over <paramref name="digest"/>; null when there is none.</summary>
    public static byte[]? Recover(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 65 || signature[64] is not (27 or 28) || digest.Length != 32)
        {
            return null;
        }
        byte[] publicKey;
        try
        {
            publicKey = Secp256k1.RecoverPublicKey(signature[..64], (byte)(signature[64] - 27), digest, false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
        return publicKey is { Length: 65 } ? Sha3Keccack.Current.CalculateHash(publicKey[1..])[12..] : null;
    }
}
