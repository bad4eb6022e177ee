using System.Net;
using Google.Protobuf;
using Grpc.Core;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;
using StreamGateway.Orchestrator.Discovery;

namespace StreamGateway.Orchestrator.Tests;

/// <summary>
/// How a stock go-livepeer broadcaster (go-B) talks to an orchestrator, and what a stock go-livepeer orchestrator (go-O)
/// answers, one row each, run against our orchestrator: offchain (no chain account) and on chain (anvil account 5,
/// price 0). Each row names the go-livepeer code the behaviour is read from.
/// </summary>
[Collection(AnvilAccount5.Name)]
public sealed class GoLivepeerConformanceTests(TestSegment source, GoLivepeerConformanceTests.Nodes nodes)
    : IClassFixture<TestSegment>, IClassFixture<GoLivepeerConformanceTests.Nodes>
{
    private static readonly VideoProfile P240 = new() { Name = "P240p30fps16x9", Width = 426, Height = 240, Bitrate = 600_000, Fps = 30 };

    /// <summary>One offchain and one on-chain orchestrator for the whole table.</summary>
    public sealed class Nodes : IAsyncLifetime
    {
        public RunningOrchestrator Offchain { get; private set; } = null!;
        public RunningOrchestrator OnChain { get; private set; } = null!;
        /// <summary>Offchain, on an http:// URI.</summary>
        public RunningOrchestrator Cleartext { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Offchain = await RunningOrchestrator.StartAsync();
            Cleartext = await RunningOrchestrator.StartAsync(cleartext: true);
            var settings = PaymentTests.Settings();
            settings["Orchestrator:PricePerUnit"] = "0";
            OnChain = await RunningOrchestrator.StartAsync(settings: settings);
        }

        public async Task DisposeAsync()
        {
            await Offchain.DisposeAsync();
            await OnChain.DisposeAsync();
            await Cleartext.DisposeAsync();
        }
    }

    /// <summary>go-B's request when it runs offchain: its address is the zero address's 20 bytes, its signature empty.</summary>
    private static OrchestratorRequest OffchainBroadcaster() => new() { Address = ByteString.CopyFrom(new byte[20]) };

    public static TheoryData<string, string> Rows => new()
    {
        { "an offchain go-O serves an offchain go-B", "core/orchestrator.go VerifySig (no account: true)" },
        { "an offchain go-O serves a signed go-B", "core/orchestrator.go VerifySig" },
        { "an on-chain go-O refuses an offchain go-B", "server/rpc.go verifyOrchestratorReq" },
        { "an on-chain go-O refuses a signature over another address", "crypto/verify.go VerifySig" },
        { "an on-chain go-O serves a signed go-B, with ticket params even at price 0", "pm/recipient.go TicketParams" },
        { "a price goes out as a reduced rational with pixels per unit above 0", "core/orchestrator.go priceInfo; discovery/db_discovery.go" },
        { "the capabilities cover go-B's default job and carry a semver version", "core/capabilities.go CompatibleWith, isVersionCompatible" },
        { "a job asking for a capability the orchestrator lacks is refused", "server/segment_rpc.go verifySegCreds" },
        { "a segment with a token the orchestrator did not issue is refused with 403", "server/segment_rpc.go verifySegCreds" },
        { "an offchain go-O signs no result", "core/orchestrator.go transcodeSeg" },
        { "an on-chain go-O signs keccak(keccak(r1)..keccak(rn)) over the served renditions", "core/orchestrator.go transcodeSeg; verification/verify.go sigVerification" },
        { "at price 0 go-B's payment (sender and expected price, no tickets) is accepted", "server/segment_rpc.go genPayment; core/orchestrator.go ProcessPayment" },
        { "a full go-O refuses GetOrchestrator with OrchestratorCapped", "server/rpc.go verifyOrchestratorReq, core/orchestrator.go CheckCapacity" },
        { "a go-O on an http:// URI serves gRPC as h2c and segments and renditions as HTTP/1.1 on one port", "server/rpc.go StartTranscodeServer (h2c.NewHandler)" },
        { "our gateway's client, as go-B, works with a go-O on an http:// URI", "server/broadcast.go; server/segment_rpc.go SubmitSegment" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
#pragma warning disable xUnit1026 // the source column is for the reader
    public async Task Behaves_as_go_livepeer(string behaviour, string goLivepeerSource)
#pragma warning restore xUnit1026
    {
        switch (behaviour)
        {
            case "an offchain go-O serves an offchain go-B":
                Assert.NotEmpty((await nodes.Offchain.Client.GetOrchestratorAsync(OffchainBroadcaster())).Transcoder);
                break;
            case "an offchain go-O serves a signed go-B":
                Assert.NotEmpty((await nodes.Offchain.Client.GetOrchestratorAsync(new BroadcasterIdentity().Request())).Transcoder);
                break;
            case "an on-chain go-O refuses an offchain go-B":
                await RefusedAsync(nodes.OnChain, OffchainBroadcaster(), OrchestratorGrpcService.SignatureRefused);
                break;
            case "an on-chain go-O refuses a signature over another address":
                var forged = new BroadcasterIdentity().Request();
                forged.Address = new BroadcasterIdentity().Request().Address;
                await RefusedAsync(nodes.OnChain, forged, OrchestratorGrpcService.SignatureRefused);
                break;
            case "an on-chain go-O serves a signed go-B, with ticket params even at price 0":
                var p = (await PaymentTests.AskAsync(nodes.OnChain, new BroadcasterIdentity())).TicketParams;
                Assert.Equal(20, p.Recipient.Length);
                Assert.True(p.FaceValue.IsEmpty && p.WinProb.IsEmpty);
                Assert.False(p.ExpirationBlock.IsEmpty);
                Assert.Equal(32, p.RecipientRandHash.Length);
                break;
            case "a price goes out as a reduced rational with pixels per unit above 0":
                var price = (await nodes.OnChain.Client.GetOrchestratorAsync(new BroadcasterIdentity().Request())).PriceInfo;
                Assert.Equal((0L, 1L), (price.PricePerUnit, price.PixelsPerUnit));
                break;
            case "the capabilities cover go-B's default job and carry a semver version":
                var caps = (await nodes.Offchain.Client.GetOrchestratorAsync(OffchainBroadcaster())).Capabilities;
                Assert.True(CapabilityBits.Covers(caps.Bitstring, new Capabilities { Bitstring = { 0x1003UL } })); // {H264, MPEGTS, AuthToken}
                Assert.Matches(@"^\d+\.\d+\.\d+", caps.Version);
                Assert.Empty(caps.Mandatories);
                break;
            case "a job asking for a capability the orchestrator lacks is refused":
            {
                var info = await nodes.Offchain.Client.GetOrchestratorAsync(OffchainBroadcaster());
                var segment = RunningOrchestrator.Segment(info.AuthToken, 1, source.Bytes, P240);
                segment.Capabilities = new Capabilities { Bitstring = { 0x1003UL | (1UL << 14) } }; // + MPEG-7 signatures
                using var response = await nodes.Offchain.PostSegmentAsync(segment, source.Bytes);
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                break;
            }
            case "a segment with a token the orchestrator did not issue is refused with 403":
            {
                var token = new AuthToken { Token = ByteString.CopyFrom(new byte[32]), SessionId = "made-up", Expiration = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() };
                using var response = await nodes.Offchain.PostSegmentAsync(RunningOrchestrator.Segment(token, 1, source.Bytes, P240), source.Bytes);
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                break;
            }
            case "an offchain go-O signs no result":
            {
                var (result, _) = await TranscodeAsync(nodes.Offchain, await nodes.Offchain.Client.GetOrchestratorAsync(OffchainBroadcaster()), null);
                Assert.True(result.Data.Sig.IsEmpty);
                break;
            }
            case "an on-chain go-O signs keccak(keccak(r1)..keccak(rn)) over the served renditions":
            {
                var broadcaster = new BroadcasterIdentity();
                var info = await PaymentTests.AskAsync(nodes.OnChain, broadcaster);
                var (result, files) = await TranscodeAsync(nodes.OnChain, info, broadcaster);
                try
                {
                    Assert.True(ResultSignature.Verify(ResultSignature.Signer(info)!, files, result.Data.Sig.Span));
                }
                finally
                {
                    files.ForEach(File.Delete);
                }
                break;
            }
            case "at price 0 go-B's payment (sender and expected price, no tickets) is accepted":
            {
                var broadcaster = new BroadcasterIdentity();
                var info = await PaymentTests.AskAsync(nodes.OnChain, broadcaster);
                var (result, files) = await TranscodeAsync(nodes.OnChain, info, broadcaster);
                files.ForEach(File.Delete);
                Assert.Equal(TranscodeResult.ResultOneofCase.Data, result.ResultCase);
                break;
            }
            case "a full go-O refuses GetOrchestrator with OrchestratorCapped":
            {
                await using var full = await RunningOrchestrator.StartAsync(maxSessions: 1);
                var info = await full.Client.GetOrchestratorAsync(OffchainBroadcaster());
                using (var first = await full.PostSegmentAsync(RunningOrchestrator.Segment(info.AuthToken, 1, source.Bytes, P240), source.Bytes))
                {
                    Assert.Equal(HttpStatusCode.OK, first.StatusCode);
                }
                await RefusedAsync(full, OffchainBroadcaster(), OrchestratorGrpcService.CapacityRefused);
                break;
            }
            case "a go-O on an http:// URI serves gRPC as h2c and segments and renditions as HTTP/1.1 on one port":
            {
                Assert.Equal(Uri.UriSchemeHttp, nodes.Cleartext.ServiceUri.Scheme);
                var info = await nodes.Cleartext.Client.GetOrchestratorAsync(OffchainBroadcaster()); // h2c, prior knowledge
                Assert.StartsWith(nodes.Cleartext.ServiceUri.ToString().TrimEnd('/'), info.Transcoder, StringComparison.Ordinal);
                using var response = await nodes.Cleartext.PostSegmentAsync(RunningOrchestrator.Segment(info.AuthToken, 1, source.Bytes, P240), source.Bytes);
                Assert.Equal((HttpStatusCode.OK, new Version(1, 1)), (response.StatusCode, response.Version));
                var result = TranscodeResult.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
                Assert.True(result.ResultCase == TranscodeResult.ResultOneofCase.Data, result.Error);
                var url = Assert.Single(result.Data.Segments).Url;
                Assert.StartsWith("http://", url, StringComparison.Ordinal);
                Assert.Equal(0x47, (await nodes.Cleartext.Http.GetByteArrayAsync(url))[0]);
                break;
            }
            case "our gateway's client, as go-B, works with a go-O on an http:// URI":
            {
                using var client = new OrchestratorClient();
                var uri = nodes.Cleartext.ServiceUri.ToString().TrimEnd('/');
                var info = await client.GetOrchestratorAsync(uri, new BroadcasterIdentity().Request(), TimeSpan.FromSeconds(5), CancellationToken.None);
                var segment = SegmentRequest.Build("cleartext", 1, source.Bytes, TimeSpan.FromSeconds(2), info.AuthToken,
                    [new RenditionRequest(P240.Name, P240.Width, P240.Height, P240.Bitrate, Fps: 30)]);
                var (data, _) = await client.SubmitSegmentAsync(info, segment, source.Bytes, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), CancellationToken.None);
                Assert.Equal(0x47, (await nodes.Cleartext.Http.GetByteArrayAsync(Assert.Single(data.Segments).Url))[0]);
                break;
            }
            default:
                Assert.Fail($"no check for \"{behaviour}\"");
                break;
        }
    }

    private static async Task RefusedAsync(RunningOrchestrator node, OrchestratorRequest request, string detail)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await node.Client.GetOrchestratorAsync(request));
        // go-O's errors are plain Go errors: gRPC status UNKNOWN with the text.
        Assert.Equal((StatusCode.Unknown, detail), (refused.StatusCode, refused.Status.Detail));
    }

    /// <summary>Sends one segment as go-B would (signed when it has an account, with the expected price) and downloads
    /// every rendition.</summary>
    private async Task<(TranscodeResult Result, List<string> Files)> TranscodeAsync(RunningOrchestrator node, OrchestratorInfo info,
        BroadcasterIdentity? broadcaster)
    {
        var segment = RunningOrchestrator.Segment(info.AuthToken, 1, source.Bytes, P240);
        string? payment = null;
        if (broadcaster is not null)
        {
            broadcaster.SignSegment(segment, [P240.Name]);
            var pay = broadcaster.Payment();
            pay.ExpectedPrice = info.PriceInfo;
            payment = LivepeerHeaders.Encode(pay);
        }
        using var response = await node.PostSegmentAsync(segment, source.Bytes, payment);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(bytes));
        var result = TranscodeResult.Parser.ParseFrom(bytes);
        Assert.True(result.ResultCase == TranscodeResult.ResultOneofCase.Data, result.Error);
        var files = new List<string>();
        foreach (var rendition in result.Data.Segments)
        {
            var file = Path.GetTempFileName();
            files.Add(file);
            await File.WriteAllBytesAsync(file, await node.Http.GetByteArrayAsync(rendition.Url));
        }
        return (result, files);
    }
}
