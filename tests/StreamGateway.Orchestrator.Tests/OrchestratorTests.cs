using System.Net;
using Google.Protobuf;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;
using StreamGateway.Orchestrator.Discovery;
using StreamGateway.Orchestrator.Tls;
using StreamGateway.Orchestrator.Transcoding;

namespace StreamGateway.Orchestrator.Tests;

public sealed class OrchestratorTests(TestSegment source) : IClassFixture<TestSegment>
{
    private static readonly VideoProfile P240 = new() { Name = "240p", Width = 426, Height = 240, Bitrate = 250_000 };
    private static readonly VideoProfile P360 = new() { Name = "360p", Width = 640, Height = 360, Bitrate = 800_000 };

    [Fact]
    public async Task The_cleartext_port_tells_h2c_from_HTTP1_by_the_preface_and_shrugs_off_half_prefaces_and_look_alikes()
    {
        Assert.Null(CleartextFront.Opening(new System.Buffers.ReadOnlySequence<byte>("PRI * HT"u8.ToArray())));
        Assert.False(CleartextFront.Opening(new System.Buffers.ReadOnlySequence<byte>("PRI * HTTP/1.1\r\n"u8.ToArray())));
        Assert.False(CleartextFront.Opening(new System.Buffers.ReadOnlySequence<byte>("G"u8.ToArray())));
        Assert.True(CleartextFront.Opening(new System.Buffers.ReadOnlySequence<byte>("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04"u8.ToArray())));

        await using var orchestrator = await RunningOrchestrator.StartAsync(cleartext: true);
        var port = orchestrator.ServiceUri.Port;
        // Callers that hang up part way through the preface, again and again.
        for (var i = 0; i < 20; i++)
        {
            using var half = new System.Net.Sockets.TcpClient();
            await half.ConnectAsync(IPAddress.Loopback, port);
            await half.GetStream().WriteAsync("PRI * HTTP/2"u8.ToArray());
        }
        // Something that starts like the preface and is not is HTTP/1.1's to judge.
        using (var lookalike = new System.Net.Sockets.TcpClient())
        {
            await lookalike.ConnectAsync(IPAddress.Loopback, port);
            var stream = lookalike.GetStream();
            await stream.WriteAsync("PRI * HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.StartsWith("HTTP/1.1 4", System.Text.Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
        }
        // Both protocols are still served, side by side.
        var info = await orchestrator.Client.GetOrchestratorAsync(new OrchestratorRequest());
        using var response = await orchestrator.PostSegmentAsync(RunningOrchestrator.Segment(info.AuthToken, 1, source.Bytes, P240), source.Bytes);
        Assert.Equal((HttpStatusCode.OK, new Version(1, 1)), (response.StatusCode, response.Version));
    }

    [Fact]
    public async Task GetOrchestrator_reports_transcoder_uri_capabilities_price_and_a_fresh_auth_token()
    {
        await using var orchestrator = await RunningOrchestrator.StartAsync();

        var info = await orchestrator.Client.GetOrchestratorAsync(new OrchestratorRequest());
        var again = await orchestrator.Client.GetOrchestratorAsync(new OrchestratorRequest());

        Assert.Equal(orchestrator.ServiceUri.ToString().TrimEnd('/'), info.Transcoder);
        // H264 (0), MPEGTS (1), FractionalFramerates (3), GOP (11), AuthToken (12): bits of word 0.
        Assert.Equal([(1UL << 0) | (1UL << 1) | (1UL << 3) | (1UL << 11) | (1UL << 12)], info.Capabilities.Bitstring);
        Assert.Equal(0, info.PriceInfo.PricePerUnit);
        Assert.Equal(1, info.PriceInfo.PixelsPerUnit);
        Assert.Equal(32, info.AuthToken.Token.Length);
        Assert.Matches("^[0-9a-f]+$", info.AuthToken.SessionId);
        var expiresIn = DateTimeOffset.FromUnixTimeSeconds(info.AuthToken.Expiration) - DateTimeOffset.UtcNow;
        Assert.InRange(expiresIn, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.NotEqual(info.AuthToken.SessionId, again.AuthToken.SessionId);
        Assert.True(info.Address.IsEmpty);

        // Offchain, as an offchain go-O, no signature is checked: an offchain go-B's request (20 zero bytes, no
        // signature) is served, and so is any other.
        var offchainBroadcaster = new OrchestratorRequest { Address = ByteString.CopyFrom(new byte[20]) };
        Assert.False(string.IsNullOrEmpty((await orchestrator.Client.GetOrchestratorAsync(offchainBroadcaster)).Transcoder));
        var signedRequest = new BroadcasterIdentity().Request();
        Assert.False(string.IsNullOrEmpty((await orchestrator.Client.GetOrchestratorAsync(signedRequest)).Transcoder));
        // The version go-Bs filter on when run with -orchMinLivepeerVersion.
        Assert.Equal("0.9.1", info.Capabilities.Version);

        var pong = await orchestrator.Client.PingAsync(new PingPong { Value = ByteString.CopyFromUtf8("ping") });
        Assert.Equal("ping", pong.Value.ToStringUtf8());
    }

    [Fact]
    public async Task Segment_is_transcoded_into_every_profile_with_downloadable_renditions_and_exact_pixels()
    {
        await using var orchestrator = await RunningOrchestrator.StartAsync();
        var info = await orchestrator.Client.GetOrchestratorAsync(new OrchestratorRequest());
        var segment = RunningOrchestrator.Segment(info.AuthToken, 7, source.Bytes, P240, P360);

        using var response = await orchestrator.PostSegmentAsync(segment, source.Bytes);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = TranscodeResult.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.True(result.ResultCase == TranscodeResult.ResultOneofCase.Data, result.Error);
        Assert.Equal(7, result.Seq);
        Assert.Equal(info.AuthToken, result.Info.AuthToken);
        Assert.Equal(info.Transcoder, result.Info.Transcoder);
        Assert.Equal(2, result.Data.Segments.Count);

        var expected = new[] { (Name: "240p", Width: 426, Height: 240), (Name: "360p", Width: 640, Height: 360) };
        for (var i = 0; i < expected.Length; i++)
        {
            var rendition = result.Data.Segments[i];
            Assert.Equal($"{info.Transcoder}/stream/{info.AuthToken.SessionId}/{expected[i].Name}/7.ts", rendition.Url);
            using var download = await orchestrator.Http.GetAsync(rendition.Url);
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("video/mp2t", download.Content.Headers.ContentType?.MediaType);
            var file = Path.Combine(orchestrator.WorkDir, $"download-{i}.ts");
            await File.WriteAllBytesAsync(file, await download.Content.ReadAsByteArrayAsync());

            var probe = MediaProbe.Parse(await FfmpegProcess.RunAsync(
                "ffprobe", FfmpegArguments.ProbeStreams(file, ContainerFormats.MpegTs), TimeSpan.FromSeconds(30), CancellationToken.None));
            Assert.Equal("h264", probe.VideoCodec);
            Assert.Equal(expected[i].Width, probe.Width);
            Assert.Equal(expected[i].Height, probe.Height);

            var frames = await CountFramesAsync(file);
            Assert.InRange(frames, 55, 65); // 2 s at 30 fps
            Assert.Equal((long)expected[i].Width * expected[i].Height * frames, rendition.Pixels);
        }
    }

    [Fact]
    public async Task A_final_segment_of_two_frames_whose_audio_track_has_no_packet_is_transcoded_video_only()
    {
        // Cut by the gateway's segmenter when a publisher stopped two frames after a keyframe: the PMT lists an AAC
        // track, but no audio packet made it in, so its sample rate is unknown and a plain audio copy cannot be muxed.
        var bytes = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Media", "final-segment-without-audio-packets.ts"));
        await using var orchestrator = await RunningOrchestrator.StartAsync();
        var info = await orchestrator.Client.GetOrchestratorAsync(new OrchestratorRequest());

        using var response = await orchestrator.PostSegmentAsync(RunningOrchestrator.Segment(info.AuthToken, 11, bytes, P240), bytes);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = TranscodeResult.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.True(result.ResultCase == TranscodeResult.ResultOneofCase.Data, result.Error);
        var file = Path.Combine(orchestrator.WorkDir, "final.ts");
        await File.WriteAllBytesAsync(file, await orchestrator.Http.GetByteArrayAsync(result.Data.Segments[0].Url));
        Assert.InRange(await CountFramesAsync(file), 1, 2); // the source's two frames (the last may not decode alone)
    }

    [Fact]
    public async Task Segment_with_a_token_we_did_not_issue_is_forbidden()
    {
        await using var orchestrator = await RunningOrchestrator.StartAsync();
        var info = await orchestrator.Client.GetOrchestratorAsync(new OrchestratorRequest());
        var forged = info.AuthToken.Clone();
        forged.Token = ByteString.CopyFrom(new byte[32]);

        using var response = await orchestrator.PostSegmentAsync(
            RunningOrchestrator.Segment(forged, 1, source.Bytes, P240), source.Bytes);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("invalid auth token\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Segment_whose_hash_does_not_match_its_body_is_forbidden()
    {
        await using var orchestrator = await RunningOrchestrator.StartAsync();
        var info = await orchestrator.Client.GetOrchestratorAsync(new OrchestratorRequest());
        var segment = RunningOrchestrator.Segment(info.AuthToken, 1, [1, 2, 3], P240);

        using var response = await orchestrator.PostSegmentAsync(segment, source.Bytes);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_playlist_posted_as_a_segment_is_refused_and_what_it_names_is_never_opened()
    {
        await using var orchestrator = await RunningOrchestrator.StartAsync();
        // A real segment on the orchestrator's disk and a listener on loopback: the playlist points at both.
        var elsewhere = Path.Combine(orchestrator.WorkDir, "elsewhere.ts");
        await File.WriteAllBytesAsync(elsewhere, source.Bytes);
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accepted = listener.AcceptSocketAsync();
        var playlist = System.Text.Encoding.UTF8.GetBytes(
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n" +
            $"#EXTINF:2.0,\n{elsewhere}\n#EXTINF:2.0,\nhttp://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/next.ts\n#EXT-X-ENDLIST\n");
        var info = await orchestrator.Client.GetOrchestratorAsync(new OrchestratorRequest());

        using var response = await orchestrator.PostSegmentAsync(RunningOrchestrator.Segment(info.AuthToken, 3, playlist, P240), playlist);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = TranscodeResult.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        // Read as the MPEG-TS a segment must be, the text has no video: an error, not renditions of the file it names.
        Assert.Equal(TranscodeResult.ResultOneofCase.Error, result.ResultCase);
        Assert.False(accepted.IsCompleted, "the orchestrator fetched a URL named in the segment");
    }

    [Fact]
    public async Task A_second_session_beyond_MaxSessions_is_capped()
    {
        await using var orchestrator = await RunningOrchestrator.StartAsync(maxSessions: 1);
        var first = await orchestrator.Client.GetOrchestratorAsync(new OrchestratorRequest());
        var second = await orchestrator.Client.GetOrchestratorAsync(new OrchestratorRequest());

        using var accepted = await orchestrator.PostSegmentAsync(
            RunningOrchestrator.Segment(first.AuthToken, 1, source.Bytes, P240), source.Bytes);
        using var capped = await orchestrator.PostSegmentAsync(
            RunningOrchestrator.Segment(second.AuthToken, 1, source.Bytes, P240), source.Bytes);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, capped.StatusCode);
        Assert.Equal("OrchestratorCapped\n", await capped.Content.ReadAsStringAsync());
        // Full, it hands out no more sessions, with go-O's words.
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await orchestrator.Client.GetOrchestratorAsync(new OrchestratorRequest()));
        Assert.Equal((Grpc.Core.StatusCode.Unknown, "Invalid orchestrator request: OrchestratorCapped"), (refused.StatusCode, refused.Status.Detail));
    }

    [Fact]
    public async Task A_segment_over_MaxSegmentBytes_is_refused_with_413_and_the_node_goes_on_transcoding()
    {
        var limit = source.Bytes.Length + 1024;
        await using var orchestrator = await RunningOrchestrator.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Orchestrator:MaxSegmentBytes"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var info = await orchestrator.Client.GetOrchestratorAsync(new OrchestratorRequest());
        // A well-formed body (two segments back to back, its hash right) that is merely too big.
        byte[] oversize = [.. source.Bytes, .. source.Bytes];

        var answered = 0;
        for (var seq = 1; seq <= 4; seq++)
        {
            var chunked = seq % 2 == 0;
            HttpResponseMessage refused;
            try
            {
                refused = await orchestrator.PostSegmentAsync(
                    RunningOrchestrator.Segment(info.AuthToken, seq, oversize, P240), oversize, chunked: chunked);
            }
            catch (HttpRequestException e) when (e.InnerException is IOException)
            {
                // The node answered and closed the connection while the rest of the body was still being sent: the
                // sender sees a broken pipe instead of the answer. Refused either way.
                continue;
            }
            using (refused)
            {
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
                Assert.Equal($"segment too large: more than {limit} bytes\n", await refused.Content.ReadAsStringAsync());
                answered++;
            }
        }
        Assert.True(answered > 0, "no oversize post got its 413 back, only broken connections");
        Assert.Empty(Directory.EnumerateFiles(orchestrator.WorkDir, "*", SearchOption.AllDirectories));

        using var accepted = await orchestrator.PostSegmentAsync(
            RunningOrchestrator.Segment(info.AuthToken, 5, source.Bytes, P240), source.Bytes, chunked: true);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var result = TranscodeResult.Parser.ParseFrom(await accepted.Content.ReadAsByteArrayAsync());
        Assert.True(result.ResultCase == TranscodeResult.ResultOneofCase.Data, result.Error);
    }

    [Fact]
    public async Task Winning_tickets_are_shown_only_to_the_operator_and_not_at_all_without_an_admin_token()
    {
        const string token = "operator-secret-0123456789abcdef";
        await using (var closed = await RunningOrchestrator.StartAsync())
        {
            using var response = await closed.Http.GetAsync("payments/tickets");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        await using var orchestrator = await RunningOrchestrator.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Orchestrator:AdminToken"] = token,
        });
        foreach (var credentials in new[] { null, "Bearer wrong-secret-0123456789abcdef", $"Basic {token}", $"Bearer {token}x" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "payments/tickets");
            if (credentials is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", credentials);
            }
            using var refused = await orchestrator.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "payments/tickets"))
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var shown = await orchestrator.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
            Assert.Equal("[]", await shown.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public void Capability_bits_follow_word_and_bit_layout()
    {
        Assert.Equal([0x1003UL], CapabilityBits.Bitstring([0, 1, 12]));
        Assert.Equal([1UL, 1UL << 2], CapabilityBits.Bitstring([0, 66]));
        var job = new Capabilities();
        job.Bitstring.Add(1UL << 14); // MPEG-7 video signatures: not offered
        Assert.False(OrchestratorCapabilities.Covers(job));
        Assert.True(OrchestratorCapabilities.Covers(new Capabilities { Bitstring = { (1UL << 3) | (1UL << 11) | 0x1003UL } }));
        Assert.True(OrchestratorCapabilities.Covers(null));
    }

    [Fact]
    public async Task A_named_sender_must_have_signed_the_segment_and_a_garbled_payment_is_402()
    {
        await using var orchestrator = await RunningOrchestrator.StartAsync();
        var info = await orchestrator.Client.GetOrchestratorAsync(new OrchestratorRequest());
        var broadcaster = new BroadcasterIdentity();
        var impostor = new BroadcasterIdentity();

        var signed = RunningOrchestrator.Segment(info.AuthToken, 1, source.Bytes, P240);
        broadcaster.SignSegment(signed, ["240p"]);
        using (var ok = await orchestrator.PostSegmentAsync(signed, source.Bytes, LivepeerHeaders.Encode(broadcaster.Payment())))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var result = TranscodeResult.Parser.ParseFrom(await ok.Content.ReadAsByteArrayAsync());
            Assert.True(result.ResultCase == TranscodeResult.ResultOneofCase.Data, result.Error);
        }

        // Signed by someone else than the payment's sender, or not at all.
        using (var forged = await orchestrator.PostSegmentAsync(signed, source.Bytes, LivepeerHeaders.Encode(impostor.Payment())))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
            Assert.Equal("ErrSegSig\n", await forged.Content.ReadAsStringAsync());
        }
        var unsigned = RunningOrchestrator.Segment(info.AuthToken, 2, source.Bytes, P240);
        using (var missing = await orchestrator.PostSegmentAsync(unsigned, source.Bytes, LivepeerHeaders.Encode(broadcaster.Payment())))
        {
            Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        }
        using (var garbled = await orchestrator.PostSegmentAsync(signed, source.Bytes, "%%%not base64"))
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, garbled.StatusCode);
            Assert.StartsWith("base64 decode error: ", await garbled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private static async Task<long> CountFramesAsync(string file)
    {
        var json = await FfmpegProcess.RunAsync("ffprobe", FfmpegArguments.CountFrames(file), TimeSpan.FromSeconds(30), CancellationToken.None);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return long.Parse(doc.RootElement.GetProperty("streams")[0].GetProperty("nb_read_frames").GetString()!,
            System.Globalization.CultureInfo.InvariantCulture);
    }
}
