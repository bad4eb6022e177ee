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

    private static async Task<JsonObject> GetAsync(HttpClient api, string path) => (await Json.ReadObjectAsync(await api.GetAsync(path)))!;
}
