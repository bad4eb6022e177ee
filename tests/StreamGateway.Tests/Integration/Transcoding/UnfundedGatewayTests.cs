using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;

namespace StreamGateway.Tests.Integration.Transcoding;

/// <summary>
/// A second gateway process, started as an operator would start one, whose broadcaster account holds no ETH: it
/// cannot fund a TicketBroker deposit or reserve, so the devnet orchestrators refuse it. It shares the suite's
/// PostgreSQL server (its own database), Redis server (its own database), chain and orchestrators.
/// </summary>
[Collection(DevnetOrchestrators.Name)]
public sealed class UnfundedGatewayTests
{
    private const int HttpPort = 18091, RtmpPort = 11946;

    [Fact]
    public async Task An_unfunded_gateway_gets_a_clear_refusal_and_its_streams_play_their_source()
    {
        await using var gateway = await SecondGateway.StartAsync(HttpPort, RtmpPort);
        var key = await gateway.NewApiKeyAsync();
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}/") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        using var created = await api.PostAsJsonAsync("api/stream", new
        {
            name = "unfunded",
            profiles = new[] { new { name = "144p", width = 256, height = 144, bitrate = 150_000, fps = 0 } },
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var stream = (await Json.ReadObjectAsync(created))!;
        var started = Stopwatch.StartNew();
        await using var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 40, video: "640x360",
            rtmpUrl: $"rtmp://127.0.0.1:{RtmpPort}/live");

        // Within a few segments the stream reports why it is not transcoded, in our words: the tenant learns that the
        // orchestrators refuse this gateway, never what an orchestrator answered (that is for the operator, below).
        const string refused = "this gateway";
        JsonObject info = [];
        var until = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(500);
            info = (await Json.ReadObjectAsync(await api.GetAsync($"api/stream/{stream["id"]}")))!;
        } while (!(info["issues"]?.ToJsonString() ?? "").Contains(refused, StringComparison.Ordinal) && DateTime.UtcNow < until);
        Assert.True((info["issues"]?.ToJsonString() ?? "").Contains(refused, StringComparison.Ordinal),
            $"after {started.Elapsed.TotalSeconds:0} s: {info.ToJsonString()}\n{gateway.LogTail()}");
        Assert.DoesNotContain("insufficient", info.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("127.0.0.1", info["issues"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.False(info["isHealthy"]!.GetValue<bool>());
        Assert.Equal(0, info["transcodedSegments"]!.GetValue<long>());

        // Viewers still get the source; a rendition whose segments all failed is no longer offered to players.
        using var viewer = new HttpClient();
        var hls = $"http://127.0.0.1:{HttpPort}/hls/{stream["playbackId"]}";
        var master = await viewer.GetStringAsync($"{hls}/index.m3u8");
        Assert.Contains("source/index.m3u8", master, StringComparison.Ordinal);
        Assert.DoesNotContain("144p/index.m3u8", master, StringComparison.Ordinal);
        Assert.Contains("#EXTINF", await viewer.GetStringAsync($"{hls}/source/index.m3u8"), StringComparison.Ordinal);

        // The operator sees the refusal on every orchestrator, and the log says why funding failed.
        using var admin = new HttpClient { BaseAddress = api.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await gateway.NewApiKeyAsync(admin: true));
        var devnet = Environment.GetEnvironmentVariable("SG_ORCHESTRATORS")!.Split(',');
        var pool = (await Json.ReadArrayAsync(await admin.GetAsync("api/orchestrator"))).Select(o => o!.AsObject())
            .Where(o => devnet.Contains((string?)o["serviceUri"])).ToList();
        Assert.Equal(3, pool.Count);
        Assert.All(pool, o => Assert.False(o["responding"]!.GetValue<bool>(), o.ToJsonString()));
        Assert.True(pool.Any(o => ((string?)o["lastError"] ?? "").Contains("insufficient sender reserve", StringComparison.Ordinal)),
            string.Join('\n', pool.Select(o => o.ToJsonString())));
        Assert.Contains("funding the TicketBroker deposit and reserve failed", gateway.LogTail(), StringComparison.Ordinal);

        // This gateway runs with production's defaults, so an import from a loopback address is refused (no SSRF).
        using var import = await api.PostAsJsonAsync("api/asset/upload/url", new { name = "inside", url = $"http://127.0.0.1:{HttpPort}/healthz" });
        Assert.Equal(System.Net.HttpStatusCode.Created, import.StatusCode);
        var assetId = (await Json.ReadObjectAsync(import))!["asset"]!["id"]!.GetValue<string>();
        JsonObject asset = [];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(300);
            asset = (await Json.ReadObjectAsync(await api.GetAsync($"api/asset/{assetId}")))!;
        } while ((string?)asset["status"]!["phase"] != "failed" && DateTime.UtcNow < deadline);
        Assert.Equal("failed", (string?)asset["status"]!["phase"]);
        Assert.Contains("private or loopback", (string?)asset["status"]!["errorMessage"], StringComparison.Ordinal);
    }
}
