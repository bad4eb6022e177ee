using System.Text;
using Google.Protobuf;
using Nethereum.Signer;
using Nethereum.Util;
using StreamGateway.Network.Payments;
using StreamGateway.Network.Wire;

namespace StreamGateway.Network.Transport;

/// <summary>
/// The gateway's Ethereum identity as a broadcaster (livepeer-wire §4.1, §4.3). On-chain orchestrators check that
/// GetOrchestrator carries B's address with its signature over the EIP-55 address string, and that every segment's
/// credentials are signed by the same account. Signatures are <c>personal_sign(keccak256(message))</c>: 65 bytes,
/// r ‖ s ‖ v with v ∈ {27, 28} and low s.
/// </summary>
public sealed class BroadcasterIdentity
{
    private readonly byte[] _key;
    private readonly ByteString _address;
    private readonly ByteString _requestSig;

    /// <param name="privateKeyHex">The account's key; null makes a new random one (enough for discovery, not for payments).</param>
    public BroadcasterIdentity(string? privateKeyHex = null)
    {
        var ethKey = string.IsNullOrEmpty(privateKeyHex) ? EthECKey.GenerateKey() : new EthECKey(privateKeyHex);
        Address = ethKey.GetPublicAddress(); // EIP-55 checksummed
        // The key as 32 bytes: one whose leading bytes are zero (1 in 256 random keys) comes back shorter.
        _key = Uint256.Pad32(ethKey.GetPrivateKeyAsBytes());
        _address = ByteString.CopyFrom(Convert.FromHexString(Address[2..]));
        _requestSig = ByteString.CopyFrom(Sign(Encoding.ASCII.GetBytes(Address)));
    }

    public string Address { get; }

    /// <summary>What GetOrchestrator sends: our address and its signature, and the capabilities a transcoding job needs.</summary>
    public OrchestratorRequest Request()
    {
        var request = new OrchestratorRequest { Address = _address, Sig = _requestSig, Capabilities = new Capabilities() };
        request.Capabilities.Bitstring.AddRange(CapabilityBits.Bitstring(CapabilityBits.Transcoding));
        return request;
    }

    /// <summary>The Livepeer-Payment of a segment without tickets: the sender, which the orchestrator checks the segment signature against.</summary>
    public Payment Payment() => new() { Sender = _address };

    /// <summary>
    /// Whether <paramref name="signature"/> is <paramref name="signer"/>'s personal_sign of keccak256(message), with
    /// go-livepeer's rules: 65 bytes, v ∈ {27, 28}, low s.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> signer, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        VerifyHash(signer, new Sha3Keccack().CalculateHash(message.ToArray()), signature);

    /// <summary>As <see cref="Verify"/> for a signature over a 32-byte value signed as is (tickets).</summary>
    public static bool VerifyHash(ReadOnlySpan<byte> signer, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> signature)
    {
        if (signer.Length != 20 || signature.Length != 65 || signature[64] is not (27 or 28))
        {
            return false;
        }
        var s = new System.Numerics.BigInteger(signature.Slice(32, 32), isUnsigned: true, isBigEndian: true);
        if (s > HalfCurveOrder)
        {
            return false;
        }
        return Secp256k1Signatures.Recover(PersonalHashDigest(hash), signature) is { } recovered && recovered.AsSpan().SequenceEqual(signer);
    }

    private static readonly System.Numerics.BigInteger HalfCurveOrder = System.Numerics.BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber) / 2;

    /// <summary>Signs the segment's credentials in place (SegData.sig).</summary>
    public void SignSegment(SegData segment, IEnumerable<string> profileNames) =>
        segment.Sig = ByteString.CopyFrom(Sign(SegmentMessage(segment.ManifestId.Span, segment.Seq, segment.Hash.Span, profileNames)));

    /// <summary>personal_sign(keccak256(message)) as 65 bytes r ‖ s ‖ v, v ∈ {27, 28}.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => SignHash(new Sha3Keccack().CalculateHash(message.ToArray()));

    /// <summary>personal_sign of a 32-byte value (a ticket hash is signed this way, without hashing it again).</summary>
    public byte[] SignHash(ReadOnlySpan<byte> hash) => Secp256k1Signatures.Sign(_key, PersonalHashDigest(hash));

    /// <summary>keccak256("\x19Ethereum Signed Message:\n32" ‖ keccak256(message)).</summary>
    public static byte[] PersonalDigest(ReadOnlySpan<byte> message) => PersonalHashDigest(new Sha3Keccack().CalculateHash(message.ToArray()));

    /// <summary>keccak256("\x19Ethereum Signed Message:\n32" ‖ hash) for a 32-byte hash.</summary>
    public static byte[] PersonalHashDigest(ReadOnlySpan<byte> hash)
    {
        var prefix = Encoding.ASCII.GetBytes("\u0019Ethereum Signed Message:\n32");
        return new Sha3Keccack().CalculateHash([.. prefix, .. hash]);
    }

    /// <summary>
    /// The signed segment metadata (livepeer-wire §4.1): manifest id bytes ‖ seq as 32-byte big-endian ‖ the 32-byte
    /// segment hash ‖ ASCII lowercase hex of each profile's id (first 4 bytes of keccak256 of its name).
    /// </summary>
    public static byte[] SegmentMessage(ReadOnlySpan<byte> manifestId, long seq, ReadOnlySpan<byte> hash, IEnumerable<string> profileNames)
    {
        var keccak = new Sha3Keccack();
        var ids = string.Concat(profileNames.Select(n => Convert.ToHexStringLower(keccak.CalculateHash(Encoding.UTF8.GetBytes(n))[..4])));
        var seqBytes = new byte[32];
        var magnitude = (ulong)Math.Abs(seq);
        for (var i = 0; i < 8; i++)
        {
            seqBytes[31 - i] = (byte)(magnitude >> (8 * i));
        }
        return [.. manifestId, .. seqBytes, .. hash, .. Encoding.ASCII.GetBytes(ids)];
    }
}
