using System.Numerics;
using Google.Protobuf;
using Nethereum.Util;
using StreamGateway.Network.Chain;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;

namespace StreamGateway.Network.Tests.Chain;

/// <summary>The go-livepeer interop rules that are pure: which block the protocol counts, which capabilities a job asks
/// for, how intra-only travels, and what a result signature covers.</summary>
public sealed class InteropTests
{
    [Fact]
    public void On_Arbitrum_the_protocol_counts_the_L1_block_and_elsewhere_the_blocks_own_number()
    {
        // An Arbitrum One block as its node answers it (abridged): L2 number ~2.8e8, L1 number ~2.1e7.
        const string arbitrum = """{"number":"0x10b3f1a2","hash":"0xab","l1BlockNumber":"0x1406f3b","timestamp":"0x6750a8c0"}""";
        Assert.Equal(new BigInteger(0x1406f3b), ProtocolBlocks.FromBlock(arbitrum));
        // anvil, geth or L1 mainnet: no l1BlockNumber (go-livepeer falls back to the number the same way).
        Assert.Equal(new BigInteger(0x1234), ProtocolBlocks.FromBlock("""{"number":"0x1234","hash":"0xab"}"""));
        Assert.Equal(new BigInteger(0x1234), ProtocolBlocks.FromBlock("""{"number":"0x1234","l1BlockNumber":""}"""));
        Assert.ThrowsAny<Exception>(() => ProtocolBlocks.FromBlock("""{"hash":"0xab"}"""));
    }

    [Fact]
    public void A_job_asks_for_fractional_frame_rates_and_gop_only_when_a_profile_uses_them_as_go_B_does()
    {
        var token = new AuthToken { SessionId = "s" };
        var plain = SegmentRequest.Build("m", 1, [1, 2, 3], TimeSpan.FromSeconds(2), token, [new RenditionRequest("360p", 640, 360, 800_000, Fps: 30)]);
        Assert.Equal([0x1003UL], plain.Capabilities.Bitstring); // {0, 1, 12}: go-B's default job
        Assert.Equal(0u, plain.FullProfiles[0].FpsDen); // a whole rate travels without a denominator

        var ntsc = SegmentRequest.Build("m", 1, [1, 2, 3], TimeSpan.FromSeconds(2), token, [new RenditionRequest("a", 640, 360, 800_000, Fps: 30000, FpsDen: 1001)]);
        Assert.Equal([0x100BUL], ntsc.Capabilities.Bitstring); // + 3
        Assert.Equal(1001u, ntsc.FullProfiles[0].FpsDen);

        var intra = SegmentRequest.Build("m", 1, [1, 2, 3], TimeSpan.FromSeconds(2), token,
            [new RenditionRequest("a", 640, 360, 4_000_000, GopMilliseconds: RenditionRequest.IntraOnly), new RenditionRequest("b", 320, 180, 400_000, GopMilliseconds: 2000)]);
        Assert.Equal([0x1803UL], intra.Capabilities.Bitstring); // + 11
        Assert.Equal([-1, 2000], intra.FullProfiles.Select(p => p.Gop)); // lpms's GOPIntraOnly is −1 on the wire

        // Our orchestrator offers every bit such a job asks for.
        Assert.True(CapabilityBits.Covers(CapabilityBits.Bitstring(CapabilityBits.Offered), ntsc.Capabilities));
        Assert.True(CapabilityBits.Covers(CapabilityBits.Bitstring(CapabilityBits.Offered), intra.Capabilities));
    }

    // core/capabilities.go CompatibleWith (discovery/discovery.go): go-B sends a job only to an orchestrator whose
    // bitstring holds every bit of the job and whose mandatory bits the job asks for.
    [Theory]
    [InlineData(new ulong[] { 0x1803 }, new ulong[] { }, new ulong[] { 0x1003 }, true)]          // ours, default job
    [InlineData(new ulong[] { 0x1803 }, new ulong[] { }, new ulong[] { 0x1803 }, true)]          // ours, a GOP job
    [InlineData(new ulong[] { 0x1003 }, new ulong[] { }, new ulong[] { 0x1803 }, false)]         // a GOP job, no GOP offered
    [InlineData(new ulong[] { 0x1003 }, new ulong[] { }, new ulong[] { 0x100B }, false)]         // an NTSC job, no fps denominator offered
    [InlineData(new ulong[] { 0x5003 }, new ulong[] { 0x4000 }, new ulong[] { 0x1003 }, false)]  // it serves only jobs asking for bit 14
    [InlineData(new ulong[] { 0x5003 }, new ulong[] { 0x4000 }, new ulong[] { 0x5003 }, true)]
    [InlineData(new ulong[] { 0x1003 }, new ulong[] { }, new ulong[] { 0x1003, 0 }, false)]      // a longer job: refused word for word
    [InlineData(new ulong[] { }, new ulong[] { }, new ulong[] { 0x1003 }, false)]                // it describes no capabilities
    public void A_job_goes_only_to_an_orchestrator_whose_capabilities_serve_it(ulong[] offered, ulong[] mandatories, ulong[] job, bool serves)
    {
        Assert.Equal(serves, CapabilityBits.Serves(offered, mandatories, job));
    }

    [Fact]
    public void An_orchestrator_that_sent_no_capabilities_message_serves_nothing()
    {
        Assert.False(CapabilityBits.Serves(null, null, [0x1003UL]));
    }

    [Fact]
    public void A_result_signature_covers_the_keccak_of_each_renditions_bytes_in_profile_order()
    {
        var dir = Directory.CreateTempSubdirectory("result-sig-");
        try
        {
            var a = Path.Combine(dir.FullName, "a.ts");
            var b = Path.Combine(dir.FullName, "b.ts");
            File.WriteAllBytes(a, [1, 2, 3]);
            File.WriteAllBytes(b, [4, 5]);
            var keccak = new Sha3Keccack();
            var expected = keccak.CalculateHash([.. keccak.CalculateHash(new byte[] { 1, 2, 3 }), .. keccak.CalculateHash(new byte[] { 4, 5 })]);
            Assert.Equal(expected, ResultSignature.Digest([a, b]));

            var orchestrator = new BroadcasterIdentity();
            var sig = ResultSignature.Sign(orchestrator, [a, b]);
            var address = Convert.FromHexString(orchestrator.Address[2..]);
            Assert.True(ResultSignature.Verify(address, [a, b], sig));
            Assert.False(ResultSignature.Verify(address, [b, a], sig)); // the order is the profiles'
            Assert.False(ResultSignature.Verify(Convert.FromHexString(new BroadcasterIdentity().Address[2..]), [a, b], sig));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Results_are_checked_only_for_an_orchestrator_that_gave_ticket_params_against_its_address_or_else_the_recipient()
    {
        var address = ByteString.CopyFrom(Enumerable.Range(1, 20).Select(i => (byte)i).ToArray());
        var recipient = ByteString.CopyFrom(Enumerable.Repeat((byte)9, 20).ToArray());
        Assert.Null(ResultSignature.Signer(new OrchestratorInfo { Address = address }));
        Assert.Equal(address.ToByteArray(), ResultSignature.Signer(new OrchestratorInfo { Address = address, TicketParams = new TicketParams { Recipient = recipient } }));
        Assert.Equal(recipient.ToByteArray(), ResultSignature.Signer(new OrchestratorInfo
        {
            Address = ByteString.CopyFrom(new byte[20]), TicketParams = new TicketParams { Recipient = recipient },
        }));
    }
}
