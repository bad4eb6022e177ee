using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace StreamGateway.Tests.Integration.Transcoding;

/// <summary>
/// Ticket params expire at a block, and a round passing mid-stream can end every session's params at once. The
/// orchestrators see the block before a gateway's next read of the chain, so segments arrive with params they refuse
/// ("ticket params expired"). That is the session's staleness, not the orchestrator's fault: the gateway opens a new
/// session with the same orchestrator and sends the segment again, and nobody is suspended for it.
/// </summary>
[Collection(DevnetOrchestrators.Name)]
public sealed class SessionRenewalTests
{
    private const int HttpPort = 18086, RtmpPort = 11952;

    [Fact]
    public async Task Ticket_params_that_expire_mid_stream_cost_no_segment_and_suspend_no_orchestrator()
    {
        // This gateway reads the chain once, at start: every block mined later is news to it, so each of its sessions
        // is found expired by the orchestrator, deterministically, instead of only in a gateway's few seconds of lag.
        await using var gateway = await SecondGateway.StartAsync(HttpPort, RtmpPort, redisDatabase: 15, await SecondGateway.PayingSettingsAsync(new()
        {
            ["Transcoding__RefreshSeconds"] = "600",
            ["Transcoding__RoundPollSeconds"] = "600",
        }));
        var (api, admin) = await gateway.ClientsAsync();
        using (api)
        using (admin)
        {
            await Poll.UntilAsync(async () => (await SecondGateway.DevnetPoolAsync(admin)).All(o => o["responding"]!.GetValue<bool>()), 30, "the pool to answer");
            using var created = await api.PostAsJsonAsync("api/stream", new
            {
                name = "round passes",
                profiles = new object[] { new { name = "144p", width = 256, height = 144, bitrate = 150_000, fps = 0 } },
            });
            var stream = (await Json.ReadObjectAsync(created))!;
            var playbackId = stream["playbackId"]!.GetValue<string>();

            await using (var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 24, video: "640x360",
                             rtmpUrl: $"rtmp://127.0.0.1:{RtmpPort}/live"))
            {
                await Poll.UntilAsync(async () => (await GetAsync(api, $"api/stream/{stream["id"]}"))["transcodedSegments"]!.GetValue<long>() >= 2,
                    40, "two segments transcoded before the blocks are mined");
                // The orchestrators' ticket params last 40 blocks; 100 ends every one this gateway holds.
                await Chain.Anvil.MineAsync(100);
                var (exit, log) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(60));
                Assert.True(exit == 0, log);
            }

            JsonObject session = [];
            await Poll.UntilAsync(async () =>
            {
                session = (await Json.ReadArrayAsync(await api.GetAsync($"api/stream/{stream["id"]}/sessions")))[0]!.AsObject();
                return session["transcodedSegments"]!.GetValue<long>() >= session["sourceSegments"]!.GetValue<long>() &&
                       !(await GetAsync(api, $"api/stream/{stream["id"]}"))["isActive"]!.GetValue<bool>();
            }, 40, "every segment transcoded");

            var context = $"\nsession: {session.ToJsonString()}\npool: {string.Join('\n', (await SecondGateway.DevnetPoolAsync(admin)).Select(o => o.ToJsonString()))}" +
                $"\n{gateway.LogTail()}";
            using var http = new HttpClient();
            Assert.DoesNotContain("#EXT-X-GAP", await http.GetStringAsync($"http://127.0.0.1:{HttpPort}/hls/{playbackId}/144p/index.m3u8"),
                StringComparison.Ordinal);
            // The refusals happened and were answered with new sessions ...
            using var metrics = await admin.GetAsync("/metrics");
            var renewed = MetricsTests.Sum(MetricsTests.Parse(await metrics.Content.ReadAsStringAsync()), "sg_sessions_renewed_total");
            Assert.True(renewed >= 1, "no session was renewed: the orchestrators never refused the expired params" + context);
            Assert.True(gateway.Logged("ticket params expired"), "no orchestrator refused params as expired" + context);
            // ... and no orchestrator counts a failure or a suspension for them (this gateway's pool stats are its own).
            Assert.All(await SecondGateway.DevnetPoolAsync(admin), o =>
            {
                Assert.True(o["failures"]!.GetValue<long>() == 0 && o["suspendedUntil"] is null, o.ToJsonString() + context);
            });
        }
    }

    [Fact]
    public async Task An_orchestrator_that_refuses_payments_it_took_is_renewed_once_a_minute_per_stream_then_counts_a_failure()
    {
        // Orchestrator 3 restarts as a liar: it keeps the tickets of every segment but serves only a session's first,
        // refusing the rest as short of credit. It also asks less than the others, and this gateway pays at most that,
        // so every segment of the stream goes to it.
        const int liar = 3;
        var serviceUri = Environment.GetEnvironmentVariable("SG_ORCHESTRATORS")!.Split(',')[liar - 1];
        await DevCommand.RunAsync("orchestrator", "stop", $"{liar}");
        await DevCommand.RunAsync(new Dictionary<string, string> { ["SG_ORCH_MISBEHAVE"] = "RefusePayment", ["SG_ORCH_PRICE"] = "100000000" }, "orchestrator", "start", $"{liar}");
        try
        {
            // Its own Redis database: the other test here asserts a pool without failures.
            await using var gateway = await SecondGateway.StartAsync(HttpPort, RtmpPort, redisDatabase: 5, await SecondGateway.PayingSettingsAsync(new()
            {
                ["Transcoding__MaxPricePerPixel"] = "150000000",
            }));
            var (api, admin) = await gateway.ClientsAsync();
            using (api)
            using (admin)
            {
                async Task<JsonObject?> LiarAsync() => (await SecondGateway.DevnetPoolAsync(admin)).FirstOrDefault(o => (string?)o["serviceUri"] == serviceUri);
                await Poll.UntilAsync(async () => await LiarAsync() is { } o && o["responding"]!.GetValue<bool>() &&
                    o["pricePerUnit"]!.GetValue<long>() == 100_000_000, 30, "the liar in the pool at its lower price");
                using var created = await api.PostAsJsonAsync("api/stream", new
                {
                    name = "refused payments",
                    profiles = new object[] { new { name = "144p", width = 256, height = 144, bitrate = 150_000, fps = 0 } },
                });
                var stream = (await Json.ReadObjectAsync(created))!;
                await using (var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 12, video: "640x360",
                                 rtmpUrl: $"rtmp://127.0.0.1:{RtmpPort}/live"))
                {
                    // The first segment is served; the second is refused, renewed and served on a new session; the third
                    // is refused again within the minute, which is a failure.
                    await Poll.UntilAsync(async () => await LiarAsync() is { } o && o["failures"]!.GetValue<long>() >= 1, 40, "the liar to count a failure");
                    var (exit, log) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(60));
                    Assert.True(exit == 0, log);
                }
                var entry = (await LiarAsync())!;
                var context = $"\nliar: {entry.ToJsonString()}\n{gateway.LogTail()}";
                Assert.Contains("Insufficient balance", (string?)entry["lastError"], StringComparison.Ordinal);
                Assert.True(entry["suspendedUntil"] is not null, "a refusal the window holds did not suspend the liar" + context);
                Assert.False(entry["badWork"]!.GetValue<bool>(), context);
                // Renewed once for this stream in the minute, and that renewal got the second segment transcoded.
                using var metrics = await admin.GetAsync("/metrics");
                var renewed = MetricsTests.Sum(MetricsTests.Parse(await metrics.Content.ReadAsStringAsync()), "sg_sessions_renewed_total");
                Assert.True(renewed == 1, $"{renewed} renewals" + context);
                Assert.True(entry["successes"]!.GetValue<long>() >= 2, "the renewed segment was not transcoded" + context);
            }
        }
        finally
        {
            await DevCommand.RunAsync("orchestrator", "stop", $"{liar}");
            await DevCommand.RunAsync("orchestrator", "start", $"{liar}");
            // The suite's gateway may have suspended it for its refusals meanwhile; an operator lifts that once it is fixed.
            var main = Gateway.Instance;
            using var mainAdmin = main.Client(main.AdminKey);
            using var pool = await mainAdmin.GetAsync("api/orchestrator");
            var id = (await Json.ReadArrayAsync(pool)).Select(o => o!.AsObject()).First(o => (string?)o["serviceUri"] == serviceUri)["id"]!.GetValue<string>();
            using var reinstated = await mainAdmin.PostAsync("api/orchestrator/reinstate", JsonContent.Create(new { id }));
        }
    }

    private static async Task<JsonObject> GetAsync(HttpClient api, string path) => (await Json.ReadObjectAsync(await api.GetAsync(path)))!;
}
