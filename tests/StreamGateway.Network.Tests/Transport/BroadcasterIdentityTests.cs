using System.Numerics;
using System.Text;
using Nethereum.Signer;
using Nethereum.Util;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;

namespace StreamGateway.Network.Tests.Transport;

public sealed class BroadcasterIdentityTests
{
    [Fact]
    public void Segment_credentials_match_go_livepeers_test_vector()
    {
        // core/stream_test.go (livepeer-wire §4.1): manifest "abcdef", seq 1234, hash "browns" zero-padded, two profiles.
        var hash = new byte[32];
        Encoding.ASCII.GetBytes("browns").CopyTo(hash, 0);
        var message = BroadcasterIdentity.SegmentMessage(Encoding.UTF8.GetBytes("abcdef"), 1234, hash, ["P144p30fps16x9", "P240p30fps16x9"]);
        Assert.Equal(86, message.Length);
        Assert.EndsWith("fca40bf9c0a6517a", Encoding.ASCII.GetString(message), StringComparison.Ordinal);
        Assert.Equal("08a398e7e7a5a545b0b07d9e7e1eab52b4131e0df1621bd53ee6e7550a15465b", Convert.ToHexStringLower(new Sha3Keccack().CalculateHash(message)));
        Assert.Equal("1d6dfff7756188b690495abc9ccbc9093f34e7839732510515b5ca60ec8f3e70", Convert.ToHexStringLower(BroadcasterIdentity.PersonalDigest(message)));
    }

    [Fact]
    public void Signatures_recover_to_our_address_with_v_27_or_28_and_low_s()
    {
        var n = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);
        for (var i = 0; i < 20; i++)
        {
            var identity = new BroadcasterIdentity();
            var request = identity.Request();
            Assert.Equal(identity.Address.ToLowerInvariant(), "0x" + Convert.ToHexStringLower(request.Address.Span));
            var sig = request.Sig.ToByteArray();
            Assert.Equal(65, sig.Length);
            Assert.Contains(sig[64], new byte[] { 27, 28 });
            Assert.True(new BigInteger(sig.AsSpan(32, 32), isUnsigned: true, isBigEndian: true) <= n / 2, "high s");
            var digest = BroadcasterIdentity.PersonalDigest(Encoding.ASCII.GetBytes(identity.Address));
            var recovered = EthECKey.RecoverFromSignature(EthECDSASignatureFactory.FromComponents(sig[..32], sig[32..64], sig[64]), digest);
            Assert.Equal(identity.Address, recovered.GetPublicAddress());
        }
    }

    [Fact]
    public void A_key_whose_leading_bytes_are_zero_signs_like_any_other()
    {
        // 1 in 256 random keys starts with a zero byte; its short byte form once made the gateway fail at start.
        var identity = new BroadcasterIdentity("0x00" + new string('1', 62));
        var sig = identity.Request().Sig.ToByteArray();
        var digest = BroadcasterIdentity.PersonalDigest(Encoding.ASCII.GetBytes(identity.Address));
        var recovered = EthECKey.RecoverFromSignature(EthECDSASignatureFactory.FromComponents(sig[..32], sig[32..64], sig[64]), digest);
        Assert.Equal(identity.Address, recovered.GetPublicAddress());
    }

    [Fact]
    public void A_signed_segment_carries_the_signature_over_its_own_fields()
    {
        var identity = new BroadcasterIdentity("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
        Assert.Equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", identity.Address);
        var segment = SegmentRequest.Build("stream1", 7, [1, 2, 3], TimeSpan.FromSeconds(2), new AuthToken(),
            [new RenditionRequest("360p0", 640, 360, 800_000)], identity);
        var digest = BroadcasterIdentity.PersonalDigest(BroadcasterIdentity.SegmentMessage(segment.ManifestId.Span, 7, segment.Hash.Span, ["360p0"]));
        var sig = segment.Sig.ToByteArray();
        var recovered = EthECKey.RecoverFromSignature(EthECDSASignatureFactory.FromComponents(sig[..32], sig[32..64], sig[64]), digest);
        Assert.Equal(identity.Address, recovered.GetPublicAddress());
    }
}
