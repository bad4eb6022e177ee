using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Tests.Integration.Transcoding;

/// <summary>
/// Tests that stop, restart or misconfigure the devnet orchestrators, or depend on what they answer, run one at a
/// time in this collection.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DevnetOrchestrators
{
    public const string Name = "devnet orchestrators";
}

/// <summary>
/// Live transcoding end to end: ffmpeg publishes over RTMP, the gateway fans each segment out to the three devnet
/// orchestrators `./dev test` starts (real processes, registered on the anvil chain), and the renditions come back
/// into the playlists. ./dev runs the gateway with Transcoding__ReuseLatencyScore=0, so every segment is drawn afresh by stake.
/// </summary>
[Collection(DevnetOrchestrators.Name)]
public sealed partial class TranscodingTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    // The devnet orchestrators 1-3: anvil accounts 1-3, stakes 50/30/20 (see ./dev).
    private static readonly string[] Orchestrators =
    [
        "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
        "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
        "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
    ];

    /// <summary>A 360p source and three smaller rungs: four renditions, cheap enough for a 2-core machine.</summary>
    private static readonly object[] Ladder =
    [
        new { name = "288p", width = 512, height = 288, bitrate = 500_000, fps = 0 },
        new { name = "240p", width = 426, height = 240, bitrate = 300_000, fps = 0 },
        new { name = "144p", width = 256, height = 144, bitrate = 150_000, fps = 0 },
    ];


    [Fact]
    public async Task A_published_stream_plays_as_a_ladder_made_by_all_three_orchestrators()
    {
        var t = await Gw.NewTenantAsync();
        var stream = await t.CreateStreamAsync(new { name = "ladder", profiles = Ladder });
        await using var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 60, video: "640x360");

        // Publish until each orchestrator has done segments of this stream (a stake-weighted draw per segment). The
        // gateway keeps the count per publish in Redis; the pool's own counters also move with other tests' streams.
        var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("SG_REDIS_URL")!.Trim('\''));
        var until = DateTime.UtcNow.AddSeconds(55);
        Dictionary<string, long> done = [];
        do
        {
            await Task.Delay(1000);
            var sessions = await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{stream["id"]}/sessions"));
            if (sessions.Count == 0)
            {
                continue;
            }
            var state = await redis.GetDatabase().HashGetAllAsync($"sg:tx:{Guid.Parse((string)sessions[0]!["id"]!):N}");
            done = state.Where(e => ((string)e.Name!).StartsWith("done:", StringComparison.Ordinal))
                .ToDictionary(e => ((string)e.Name!)[5..], e => (long)e.Value);
        } while (Orchestrators.Any(o => done.GetValueOrDefault(o) == 0) && DateTime.UtcNow < until && !broadcaster.HasExited);
        Assert.All(Orchestrators, o => Assert.True(done.GetValueOrDefault(o) > 0,
            $"orchestrator {o} transcoded nothing of this stream: {string.Join(", ", done.Select(d => $"{d.Key}={d.Value}"))}"));
        await WaitUntilAsync(async () => Variant().Count(await new HttpClient().GetStringAsync(
            Gateway.HlsUrl(stream["playbackId"]!.GetValue<string>(), "index.m3u8"))) >= 4, 20, "four renditions in the master playlist");

        var playbackId = stream["playbackId"]!.GetValue<string>();
        using var http = new HttpClient();
        var master = await http.GetStringAsync(Gateway.HlsUrl(playbackId, "index.m3u8"));
        var variants = Variant().Matches(master).Select(m => (Uri: m.Groups["uri"].Value, W: int.Parse(m.Groups["w"].Value, CultureInfo.InvariantCulture),
            H: int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture), Codecs: m.Groups["codecs"].Value)).ToList();
        Assert.True(variants.Count >= 4, "master playlist:\n" + master);
        Assert.Contains(variants, v => v.Uri == "source/index.m3u8" && v.W == 640 && v.H == 360);
        foreach (var (name, w, h) in new[] { ("288p", 512, 288), ("240p", 426, 240), ("144p", 256, 144) })
        {
            var variant = variants.Single(v => v.Uri == $"{name}/index.m3u8");
            Assert.True(Math.Abs(variant.W - w) <= 2 && variant.H == h, $"{name} is listed as {variant.W}x{variant.H}");
            Assert.StartsWith("avc1.", variant.Codecs, StringComparison.Ordinal);

            // Each rendition's newest segment decodes at its resolution.
            var media = await http.GetStringAsync(Gateway.HlsUrl(playbackId, variant.Uri));
            var segment = media.Split('\n').Last(l => l.EndsWith(".ts", StringComparison.Ordinal) && !l.StartsWith("gap_", StringComparison.Ordinal));
            var file = Path.Combine(Path.GetTempPath(), $"sg-{Guid.NewGuid():N}.ts");
            await File.WriteAllBytesAsync(file, await http.GetByteArrayAsync(Gateway.HlsUrl(playbackId, $"{name}/{segment}")));
            try
            {
                var (code, json, error) = await Viewer.RunAsync("ffprobe", [.. FfmpegArguments.InspectRendition(file)]);
                Assert.True(code == 0, error);
                var facts = RenditionFacts.Parse(json);
                Assert.Equal("h264", facts.VideoCodec);
                Assert.True(Math.Abs(facts.Width - w) <= 2 && facts.Height == h, $"{name} decodes at {facts.Width}x{facts.Height}");
                Assert.True(facts.Frames > 0);
            }
            finally
            {
                File.Delete(file);
            }
        }
        var info = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/stream/{stream["id"]}")))!;
        Assert.True(info["transcodedSegments"]!.GetValue<long>() > 0, info.ToJsonString());
        Assert.True(info["transcodedSegmentsDuration"]!.GetValue<double>() > 0, info.ToJsonString());
    }

    [Fact]
    public async Task Killing_an_orchestrator_mid_stream_loses_no_rendition_and_it_gets_work_again_once_back()
    {
        const int victim = 1; // the largest stake, so the most likely to hold segments when it dies
        var address = Orchestrators[victim - 1];
        var t = await Gw.NewTenantAsync();
        var stream = await t.CreateStreamAsync(new { name = "failover", profiles = Ladder[1..] });
        await using var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 90, video: "640x360");
        try
        {
            await WaitUntilAsync(async () => (await StreamAsync(t, stream))["transcodedSegments"]!.GetValue<long>() >= 3, 40, "three transcoded segments");
            await Dev("orchestrator", "kill", victim.ToString(CultureInfo.InvariantCulture));

            // A refresh finds it gone (or a segment fails on it): it is suspended and stops getting work.
            await WaitUntilAsync(async () => (await PoolEntryAsync(address))?["suspendedUntil"] is not null, 20, "the dead orchestrator's suspension");
            var whileDead = (await SuccessesAsync())[address];
            await Task.Delay(6000);
            Assert.Equal(whileDead, (await SuccessesAsync())[address]);
        }
        finally
        {
            await Dev("orchestrator", "start", victim.ToString(CultureInfo.InvariantCulture));
        }
        // Back in the pool, it is drawn again once its suspension has run out.
        var back = (await SuccessesAsync())[address];
        await WaitUntilAsync(async () => (await SuccessesAsync())[address] > back, 50, "work for the restarted orchestrator");

        await broadcaster.DisposeAsync();
        // Every source segment has its renditions: the segments on the dead node were retried elsewhere.
        var session = await WaitForSettledSessionAsync(t, stream);
        var source = session["sourceSegments"]!.GetValue<long>();
        var transcoded = session["transcodedSegments"]!.GetValue<long>();
        Assert.True(source >= 10, session.ToJsonString());
        Assert.True(transcoded >= source - 1, $"{source} source segments but {transcoded} transcoded: {session.ToJsonString()}");
    }

    [Fact]
    public async Task When_no_orchestrator_can_transcode_the_renditions_get_gaps_the_stream_an_issue_and_the_source_plays_on()
    {
        var t = await Gw.NewTenantAsync();
        var stream = await t.CreateStreamAsync(new { name = "outage", profiles = Ladder[2..] });
        var playbackId = stream["playbackId"]!.GetValue<string>();
        await using var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 60, video: "640x360");
        using var http = new HttpClient();
        try
        {
            await WaitUntilAsync(async () => (await StreamAsync(t, stream))["transcodedSegments"]!.GetValue<long>() >= 2, 40, "two transcoded segments");
            foreach (var n in new[] { "1", "2", "3" })
            {
                await Dev("orchestrator", "kill", n);
            }
            await WaitUntilAsync(async () => (await http.GetStringAsync(Gateway.HlsUrl(playbackId, "144p/index.m3u8"))).Contains("#EXT-X-GAP", StringComparison.Ordinal),
                40, "a gap in the rendition playlist");
            var info = await StreamAsync(t, stream);
            Assert.False(info["isHealthy"]!.GetValue<bool>(), info.ToJsonString());
            Assert.Contains("Transcoding failed for segment", info["issues"]!.ToJsonString(), StringComparison.Ordinal);
            // The tenant reads why in our words; which orchestrators failed and what they said is the operator's.
            Assert.DoesNotContain("https://", info["issues"]!.ToJsonString(), StringComparison.Ordinal);
            // The source rendition keeps growing meanwhile.
            var before = Regex.Count(await http.GetStringAsync(Gateway.HlsUrl(playbackId, "source/index.m3u8")), "#EXTINF");
            var sourceBefore = info["sourceSegments"]!.GetValue<long>();
            await WaitUntilAsync(async () => (await StreamAsync(t, stream))["sourceSegments"]!.GetValue<long>() >= sourceBefore + 2, 20, "more source segments");
            Assert.True(before > 0);
        }
        finally
        {
            foreach (var n in new[] { "1", "2", "3" })
            {
                await Dev("orchestrator", "start", n);
            }
        }
    }

    [Fact]
    public async Task A_stream_pays_the_orchestrators_in_tickets_and_winning_tickets_are_redeemed_on_chain()
    {
        const string gateway = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720"; // anvil account 9, the suite's broadcaster
        var web3 = new Nethereum.Web3.Web3(Environment.GetEnvironmentVariable("SG_ETH_RPC"));
        var broker = (await new StreamGateway.Network.Chain.LivepeerPool(web3).ResolveAsync(Environment.GetEnvironmentVariable("SG_CONTROLLER")!)).TicketBroker;
        async Task<System.Numerics.BigInteger> FundsAsync()
        {
            var info = await web3.Eth.GetContractQueryHandler<StreamGateway.Network.Chain.GetSenderInfoFunction>()
                .QueryDeserializingToObjectAsync<StreamGateway.Network.Chain.SenderInfoOutput>(
                    new StreamGateway.Network.Chain.GetSenderInfoFunction { Address = gateway }, broker);
            return info.Sender.Deposit + info.Reserve.FundsRemaining;
        }
        // A winning ticket credits its orchestrator's fees on the BondingManager (the ETH waits in the Minter until
        // withdrawn), so what the orchestrators earned is their pending fees.
        var bondingManager = (await new StreamGateway.Network.Chain.LivepeerPool(web3).ResolveAsync(Environment.GetEnvironmentVariable("SG_CONTROLLER")!)).BondingManager;
        async Task<System.Numerics.BigInteger> EarnedAsync()
        {
            var total = System.Numerics.BigInteger.Zero;
            foreach (var o in Orchestrators)
            {
                total += await web3.Eth.GetContractQueryHandler<StreamGateway.Network.Chain.Economics.PendingFeesFunction>().QueryAsync<System.Numerics.BigInteger>(
                    bondingManager, new StreamGateway.Network.Chain.Economics.PendingFeesFunction { Delegator = o, EndRound = 0 });
            }
            return total;
        }
        var orchestratorUris = Environment.GetEnvironmentVariable("SG_ORCHESTRATORS")!.Split(',');
#pragma warning disable CA5359 // the orchestrators' self-signed certificates, as the gateway itself treats them
        using var insecure = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
#pragma warning restore CA5359
        // Winning tickets are for the orchestrators' operator: ./dev gives them one admin token.
        insecure.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            Environment.GetEnvironmentVariable("SG_ORCH_ADMIN_TOKEN"));
        async Task<List<JsonObject>> RedeemedAsync()
        {
            var all = new List<JsonObject>();
            foreach (var uri in orchestratorUris)
            {
                var tickets = JsonNode.Parse(await insecure.GetStringAsync($"{uri}/payments/tickets"))!.AsArray();
                all.AddRange(tickets.Select(t => t!.AsObject()).Where(t => (string?)t["status"] == "redeemed"));
            }
            return all;
        }

        var fundsBefore = await FundsAsync();
        var earnedBefore = await EarnedAsync();
        var t = await Gw.NewTenantAsync();
        var stream = await t.CreateStreamAsync(new { name = "paid", profiles = Ladder });
        await using var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 30, video: "640x360");

        // This project pays for its segments...
        JsonObject usage = [];
        await WaitUntilAsync(async () =>
        {
            usage = (await Json.ReadObjectAsync(await t.Http.GetAsync("api/data/usage/query")))!;
            return System.Numerics.BigInteger.Parse(usage["PaidWei"]!.GetValue<string>(), CultureInfo.InvariantCulture) > 0;
        }, 40, "the stream's first paid segment");
        // ...and from then on, winning tickets are redeemed once their params expire (one ticket in two wins).
        var redeemedBefore = (await RedeemedAsync()).Select(r => (string)r["hash"]!).ToHashSet();
        List<JsonObject> fresh = [];
        await WaitUntilAsync(async () =>
        {
            fresh = (await RedeemedAsync()).Where(r => !redeemedBefore.Contains((string)r["hash"]!)).ToList();
            return fresh.Count > 0;
        }, 75, "a winning ticket redeemed on chain");

        var receipt = await web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync((string)fresh[0]["transaction"]!);
        var topic = "0x" + Convert.ToHexStringLower(new Nethereum.Util.Sha3Keccack().CalculateHash(
            System.Text.Encoding.ASCII.GetBytes("WinningTicketRedeemed(address,address,uint256,uint256,uint256,uint256,bytes)")));
        var logs = Newtonsoft.Json.Linq.JArray.FromObject(receipt.Logs);
        Assert.Contains(logs, log => (string?)log["topics"]?[0] == topic &&
            ((string?)log["topics"]?[1] ?? "").EndsWith(gateway[2..].ToLowerInvariant(), StringComparison.Ordinal));
        Assert.True(await FundsAsync() < fundsBefore, "the gateway's deposit and reserve did not go down");
        Assert.True(await EarnedAsync() > earnedBefore, "the orchestrators' fees did not go up");

        // The project's usage shows what it streamed, what was transcoded and what it paid.
        Assert.True(usage["SourceMins"]!.GetValue<double>() > 0, usage.ToJsonString());
        Assert.True(usage["TranscodedMins"]!.GetValue<double>() > 0, usage.ToJsonString());
        Assert.Equal(usage["TranscodedMins"]!.GetValue<double>(), usage["TotalUsageMins"]!.GetValue<double>());
        Assert.True(usage["OutputPixels"]!.GetValue<long>() > 0, usage.ToJsonString());
        Assert.True(System.Numerics.BigInteger.Parse(usage["PaidWei"]!.GetValue<string>(), CultureInfo.InvariantCulture) > 0, usage.ToJsonString());
        // The same figures per stream: what this stream cost, within what its project paid.
        var perStream = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/data/usage/query?streamId={stream["id"]}")))!;
        var project = (await Json.ReadObjectAsync(await t.Http.GetAsync("api/data/usage/query")))!;
        var streamPaid = System.Numerics.BigInteger.Parse(perStream["PaidWei"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.True(streamPaid > 0, perStream.ToJsonString());
        Assert.True(streamPaid <= System.Numerics.BigInteger.Parse(project["PaidWei"]!.GetValue<string>(), CultureInfo.InvariantCulture), project.ToJsonString());
        Assert.True(perStream["TranscodedMins"]!.GetValue<double>() > 0, perStream.ToJsonString());
        Assert.True(perStream["SourceMins"]!.GetValue<double>() > 0, perStream.ToJsonString());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await t.Http.GetAsync($"api/data/usage/query?assetId={Guid.NewGuid()}")).StatusCode);
        // Another project used nothing, and cannot read this stream's usage.
        var stranger = await Gw.NewTenantAsync();
        var none = (await Json.ReadObjectAsync(await stranger.Http.GetAsync("api/data/usage/query")))!;
        Assert.Equal(0, none["SourceMins"]!.GetValue<double>());
        Assert.Equal("0", none["PaidWei"]!.GetValue<string>());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"api/data/usage/query?streamId={stream["id"]}")).StatusCode);
    }

    /// <summary>
    /// Encoders other than the ffmpeg stand-in most tests use. "gstreamer": x264enc at 15 fps, 640x360, for 15 s and
    /// then its end of stream, so the last segment is short and its audio outlasts its video. "obs": OBS Studio's
    /// default output (30 fps, 2 s keyframes, B-frames, CBR, 48 kHz stereo) for 11 s. One rendition keeps the source
    /// rate, one asks for 30 fps.
    /// </summary>
    [Theory]
    [InlineData("gstreamer")]
    [InlineData("obs")]
    public async Task An_ordinary_encoder_publishing_to_its_end_gets_every_segment_transcoded_and_nobody_banned(string encoder)
    {
        var t = await Gw.NewTenantAsync();
        var stream = await t.CreateStreamAsync(new
        {
            name = "ordinary encoder",
            profiles = new object[]
            {
                new { name = "240p", width = 426, height = 240, bitrate = 300_000, fps = 30 },
                new { name = "144p", width = 256, height = 144, bitrate = 150_000, fps = 0 },
            },
        });
        var playbackId = stream["playbackId"]!.GetValue<string>();
        var key = stream["streamKey"]!.GetValue<string>();
        await using (var broadcaster = encoder == "obs"
                         ? Broadcaster.StartObsLike(key, 11)
                         : Broadcaster.StartGStreamer(key, frames: 15 * 15, width: 640, height: 360))
        {
            var (exit, log) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, log);
        }
        var session = await WaitForSettledSessionAsync(t, stream);
        Assert.True(session["transcodedSegments"]!.GetValue<long>() >= session["sourceSegments"]!.GetValue<long>(), session.ToJsonString());
        using var http = new HttpClient();
        foreach (var rendition in new[] { "240p", "144p" })
        {
            Assert.DoesNotContain("#EXT-X-GAP", await http.GetStringAsync(Gateway.HlsUrl(playbackId, $"{rendition}/index.m3u8")), StringComparison.Ordinal);
        }
        foreach (var address in Orchestrators)
        {
            Assert.False((await PoolEntryAsync(address))?["badWork"]?.GetValue<bool>() == true, address);
        }
    }

    [Theory]
    [InlineData("WrongPicture", "does not show the source's picture")] // only the comparison with the source sees it
    [InlineData("WrongSize", "does not fit")]
    [InlineData("Garbage", "does not decode")]
    public async Task A_cheating_orchestrator_is_caught_its_evidence_kept_and_it_gets_no_more_work(string misbehave, string reason)
    {
        const int cheat = 3, resting = 2;
        var address = Orchestrators[cheat - 1];
        using var admin = Gw.Client(Gw.AdminKey);
        var since = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Dev("orchestrator", "stop", $"{cheat}");
        await DevWith(new() { ["SG_ORCH_MISBEHAVE"] = misbehave }, "orchestrator", "start", $"{cheat}");
        // With orchestrator 2 resting, the cheat holds 0.7 × 20/70 + 0.3 / 2 = 35 % of the draws.
        await Dev("orchestrator", "stop", $"{resting}");
        try
        {
            // Segments drawn for it while it restarted suspended it, for longer the larger the pool (other tests bond
            // more orchestrators): that suspension is lifted, as an operator would, once it answers again.
            await WaitUntilAsync(async () =>
            {
                if (await PoolEntryAsync(address) is not { } e || !e["responding"]!.GetValue<bool>())
                {
                    return false;
                }
                if (e["suspendedUntil"] is null)
                {
                    return true;
                }
                using var lifted = await admin.PostAsync("api/orchestrator/reinstate", JsonContent.Create(new { id = address }));
                return false;
            }, 30, "the cheating orchestrator to be back in the pool");
            var t = await Gw.NewTenantAsync();
            var stream = await t.CreateStreamAsync(new { name = "cheated", profiles = Ladder[1..] });
            var playbackId = stream["playbackId"]!.GetValue<string>();
            await using var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 90, video: "640x360");

            // Its first segment of the stream is checked in full, so it is caught the first time it is drawn.
            await WaitUntilAsync(async () => (await PoolEntryAsync(address))?["badWork"]?.GetValue<bool>() == true, 60, "the cheat to be caught");
            var entry = (await PoolEntryAsync(address))!;
            Assert.Contains(reason, (string?)entry["lastError"], StringComparison.Ordinal);
            Assert.True(entry["suspendedUntil"]!.GetValue<long>() > DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeMilliseconds(), entry.ToJsonString());

            // The evidence: the source segment and what the cheat made of it, fetchable by an operator. (The suite's
            // other streams are transcoded meanwhile, so the segment that gave it away may be another stream's.)
            var evidence = (await Json.ReadArrayAsync(await admin.GetAsync("api/orchestrator/evidence")))
                .Select(e => e!.AsObject()).First(e => (string?)e["orchestrator"] == address && e["createdAt"]!.GetValue<long>() >= since);
            Assert.Contains(reason, (string?)evidence["reason"], StringComparison.Ordinal);
            var files = evidence["files"]!.AsArray().Select(f => (string)f!).ToList();
            Assert.Equal("source.ts", files[0]);
            Assert.True(files.Count >= 2, evidence.ToJsonString());
            foreach (var file in files)
            {
                var kept = await admin.GetAsync($"api/orchestrator/evidence/{evidence["id"]}/{file}");
                Assert.Equal(System.Net.HttpStatusCode.OK, kept.StatusCode);
                Assert.True((await kept.Content.ReadAsByteArrayAsync()).Length > 1000, file);
            }
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await admin.GetAsync($"api/orchestrator/evidence/{evidence["id"]}/other.ts")).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await t.Http.GetAsync("api/orchestrator/evidence")).StatusCode);

            // Starved: while the stream goes on, it is not tried again. Attempts in flight when it was caught (this
            // stream's or another test's) end by their deadline, max(8 s, 4 × 2 s), so its count first holds still.
            await WaitUntilAsync(async () => (await StreamAsync(t, stream))["transcodedSegments"]!.GetValue<long>() >= 2, 30, "segments after the catch");
            var attempts = await AttemptsAsync(address);
            var stillSince = DateTime.UtcNow;
            await WaitUntilAsync(async () =>
            {
                var now = await AttemptsAsync(address);
                if (now != attempts)
                {
                    (attempts, stillSince) = (now, DateTime.UtcNow);
                }
                return DateTime.UtcNow - stillSince > TimeSpan.FromSeconds(9);
            }, 40, "attempts in flight on the cheat to settle");
            var transcoded = (await StreamAsync(t, stream))["transcodedSegments"]!.GetValue<long>();
            await WaitUntilAsync(async () => (await StreamAsync(t, stream))["transcodedSegments"]!.GetValue<long>() >= transcoded + 4, 40, "four more segments");
            Assert.Equal(attempts, await AttemptsAsync(address));

            // The caught segment was transcoded again elsewhere: no rendition has a gap, and every published segment
            // shows the source's picture.
            await broadcaster.DisposeAsync();
            var session = await WaitForSettledSessionAsync(t, stream);
            Assert.True(session["transcodedSegments"]!.GetValue<long>() >= session["sourceSegments"]!.GetValue<long>() - 1, session.ToJsonString());
            using var http = new HttpClient();
            var media = await http.GetStringAsync(Gateway.HlsUrl(playbackId, "240p/index.m3u8"));
            Assert.DoesNotContain("#EXT-X-GAP", media, StringComparison.Ordinal);
            foreach (var segment in media.Split('\n').Where(l => l.EndsWith(".ts", StringComparison.Ordinal)).TakeLast(6))
            {
                var rendition = Path.Combine(Path.GetTempPath(), $"sg-{Guid.NewGuid():N}.ts");
                var source = Path.Combine(Path.GetTempPath(), $"sg-{Guid.NewGuid():N}.ts");
                var statsFile = Path.Combine(Path.GetTempPath(), $"sg-{Guid.NewGuid():N}.ssim");
                try
                {
                    await File.WriteAllBytesAsync(rendition, await http.GetByteArrayAsync(Gateway.HlsUrl(playbackId, $"240p/{segment}")));
                    await File.WriteAllBytesAsync(source, await http.GetByteArrayAsync(Gateway.HlsUrl(playbackId, $"source/{segment}")));
                    var (code, _, error) = await Viewer.RunAsync("ffmpeg", [.. FfmpegArguments.CompareWithSource(source, [(rendition, statsFile, statsFile + ".frames")])]);
                    Assert.True(code == 0, error);
                    var similarity = Similarity.Parse(await File.ReadAllTextAsync(statsFile));
                    Assert.True(similarity.Mean > 0.9, $"{segment}: SSIM {similarity.Mean}");
                }
                finally
                {
                    File.Delete(rendition);
                    File.Delete(source);
                    File.Delete(statsFile);
                    File.Delete(statsFile + ".frames");
                }
            }
        }
        finally
        {
            await Dev("orchestrator", "start", $"{resting}");
            await Dev("orchestrator", "stop", $"{cheat}");
            await Dev("orchestrator", "start", $"{cheat}");
            // An operator lifts the ban once the node is fixed; the next refresh finds it answering again.
            Assert.Equal(System.Net.HttpStatusCode.NoContent,
                (await admin.PostAsync("api/orchestrator/reinstate", JsonContent.Create(new { id = address }))).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.NotFound,
                (await admin.PostAsync("api/orchestrator/reinstate", JsonContent.Create(new { id = "0x0000000000000000000000000000000000000001" }))).StatusCode);
        }
        await WaitUntilAsync(async () => await PoolEntryAsync(address) is { } e && e["responding"]!.GetValue<bool>() && e["badWork"]!.GetValue<bool>() == false,
            30, "the reinstated orchestrator back in the pool");
    }

    private static async Task<long> AttemptsAsync(string address) =>
        await PoolEntryAsync(address) is { } e ? e["successes"]!.GetValue<long>() + e["failures"]!.GetValue<long>() : 0;

    private static async Task<JsonObject> WaitForSettledSessionAsync(Tenant t, JsonObject stream)
    {
        JsonObject session = [];
        await WaitUntilAsync(async () =>
        {
            var sessions = await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{stream["id"]}/sessions"));
            session = sessions[0]!.AsObject();
            return session["transcodedSegments"]!.GetValue<long>() >= session["sourceSegments"]!.GetValue<long>() - 1 &&
                   (await StreamAsync(t, stream))["isActive"]!.GetValue<bool>() == false;
        }, 30, "the last segments to settle");
        await Task.Delay(2000);
        return (await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{stream["id"]}/sessions")))[0]!.AsObject();
    }

    private static async Task<JsonObject> StreamAsync(Tenant t, JsonObject stream) =>
        (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/stream/{stream["id"]}")))!;

    private static async Task<JsonObject?> PoolEntryAsync(string address)
    {
        using var admin = Gw.Client(Gw.AdminKey);
        var pool = await Json.ReadArrayAsync(await admin.GetAsync("api/orchestrator"));
        return pool.Select(o => o!.AsObject()).FirstOrDefault(o => (string?)o["address"] == address);
    }

    private static async Task<Dictionary<string, long>> SuccessesAsync()
    {
        var result = new Dictionary<string, long>();
        foreach (var o in Orchestrators)
        {
            result[o] = (await PoolEntryAsync(o))?["successes"]?.GetValue<long>() ?? 0;
        }
        return result;
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, int seconds, string what) => Poll.UntilAsync(condition, seconds, what);

    /// <summary>Runs ./dev from the repository root with the suite's settings (exported by `./dev test`).</summary>
    private static Task Dev(params string[] args) => DevCommand.RunAsync(args);

    private static Task DevWith(Dictionary<string, string> environment, params string[] args) => DevCommand.RunAsync(environment, args);

    [GeneratedRegex("#EXT-X-STREAM-INF:[^\\n]*RESOLUTION=(?<w>\\d+)x(?<h>\\d+)[^\\n]*CODECS=\"(?<codecs>[^\"]*)\"[^\\n]*\\n(?<uri>[^\\n]+)")]
    private static partial Regex Variant();
}
