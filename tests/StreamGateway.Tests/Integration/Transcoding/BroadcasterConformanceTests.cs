using Google.Protobuf;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Transcoding;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;

namespace StreamGateway.Tests.Integration.Transcoding;

/// <summary>
/// Our gateway as a go-livepeer broadcaster (go-B) toward orchestrators, row by row, each naming the go-livepeer code it
/// follows. The wire-level rows (signatures, capability bits, L1 blocks) are in the Network tests.
/// </summary>
public sealed class BroadcasterConformanceTests
{
    private static readonly Rendition P240 = new("240p0", 426, 240, 250_000);

    private static TicketSender Sender()
    {
        var url = (Environment.GetEnvironmentVariable("SG_REDIS_URL") ?? throw new InvalidOperationException("SG_REDIS_URL is not set (run ./dev test)")).Trim('\'');
        return new TicketSender(new BroadcasterIdentity(), ConnectionMultiplexer.Connect(url), Options.Create(new TranscodingOptions()));
    }

    // server/segment_rpc.go genPayment: the expected price is the orchestrator's PriceInfo, always; an on-chain go-O
    // debits every segment at it and fails the segment without it.
    [Theory]
    [InlineData(0L, 1L, false)]   // free, on chain: params with face value 0
    [InlineData(0L, 1L, true)]    // free, offchain: no params
    [InlineData(1000L, 3L, false)] // priced
    public async Task The_payment_echoes_the_orchestrators_price_whatever_it_is(long pricePerUnit, long pixelsPerUnit, bool offchain)
    {
        var info = new OrchestratorInfo
        {
            PriceInfo = new PriceInfo { PricePerUnit = pricePerUnit, PixelsPerUnit = pixelsPerUnit },
            AuthToken = new AuthToken { SessionId = Guid.NewGuid().ToString("N") },
        };
        if (!offchain)
        {
            info.TicketParams = new TicketParams
            {
                Recipient = ByteString.CopyFrom(new byte[20]), RecipientRandHash = ByteString.CopyFrom(new byte[32]),
                Seed = ByteString.CopyFrom(new byte[32]), ExpirationBlock = ByteString.CopyFrom([100]),
                // A priced orchestrator's tickets: worth 1e12 wei, winning one time in 1000.
                FaceValue = pricePerUnit > 0 ? ByteString.CopyFrom(Network.Payments.Uint256.Minimal(1_000_000_000_000)) : ByteString.Empty,
                WinProb = pricePerUnit > 0 ? ByteString.CopyFrom(Network.Payments.Uint256.Minimal(Network.Payments.Uint256.Max / 1000)) : ByteString.Empty,
                ExpirationParams = new TicketExpirationParams { CreationRound = 1, CreationRoundBlockHash = ByteString.CopyFrom(new byte[32]) },
            };
        }
        var (payment, _) = await Sender().PayAsync(Guid.NewGuid(), "0xorch", info, [P240], 2);
        Assert.Equal(info.PriceInfo, payment.ExpectedPrice);
        Assert.Equal(20, payment.Sender.Length);
        // Nothing is owed at price 0: no tickets.
        Assert.Equal(pricePerUnit > 0, payment.TicketSenderParams.Count > 0);
    }

    // core/orchestrator.go NewOrchestrator: an offchain go-O reports the zero address; such orchestrators are told
    // apart by URI, not all filed under one id.
    [Fact]
    public void An_offchain_orchestrators_zero_address_names_no_one()
    {
        Assert.Null(OrchestratorDirectory.ReportedAddress(new OrchestratorInfo { Address = ByteString.CopyFrom(new byte[20]) }));
        Assert.Null(OrchestratorDirectory.ReportedAddress(new OrchestratorInfo()));
        var address = Enumerable.Range(1, 20).Select(i => (byte)i).ToArray();
        Assert.Equal("0x" + Convert.ToHexStringLower(address), OrchestratorDirectory.ReportedAddress(new OrchestratorInfo { Address = ByteString.CopyFrom(address) }));
    }

    // discovery/discovery.go: go-B leaves out orchestrators whose capabilities do not serve the job; a GOP job skips one
    // offering only go-B's default bits, a default job goes to both.
    [Fact]
    public void A_job_is_offered_only_to_orchestrators_whose_capabilities_serve_it()
    {
        static KnownOrchestrator Known(string id, ulong[]? offered, bool responding = true) =>
            new(id, null, "https://" + id, "0", true, responding, "https://" + id, 0, 1, null, 1, null, offered, []);
        KnownOrchestrator[] pool =
        [
            Known("full", CapabilityBits.Bitstring(CapabilityBits.Offered)),
            Known("basic", [0x1003UL]),
            Known("silent", []),                    // answered without a capabilities message
            Known("down", [0x1803UL], responding: false),
            Known("old-snapshot", null),            // recorded before capabilities were: serves until the next refresh
        ];
        var gop = SegmentRequest.Job([new RenditionRequest("a", 640, 360, 800_000, GopMilliseconds: 2000)]);
        var plain = SegmentRequest.Job([new RenditionRequest("a", 640, 360, 800_000)]);
        Assert.Equal(["full", "old-snapshot"], StreamOrchestrators.Capable(pool, gop).Select(k => k.Id));
        Assert.Equal(["full", "basic", "old-snapshot"], StreamOrchestrators.Capable(pool, plain).Select(k => k.Id));
    }
}
