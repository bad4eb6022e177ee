using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace StreamGateway.Tests.Integration.Transcoding;

/// <summary>
/// Verification must be right about honest work before it judges anyone: when every orchestrator fails the same check
/// on the same segment, the check is wrong and nobody is banned; and bans never leave a stream with nothing. Each test
/// runs a gateway of its own (own database, own Redis database, so its bans touch nothing else) against the devnet's
/// honest orchestrators, paying from a fresh account that anvil funds.
/// </summary>
[Collection(DevnetOrchestrators.Name)]
public sealed class VerificationFairnessTests
{
    private static readonly object[] Profile = [new { name = "144p", width = 256, height = 144, bitrate = 150_000, fps = 0 }];

    [Fact]
    public async Task When_every_orchestrator_fails_the_same_check_nobody_is_banned()
    {
        // A pass mark no honest encode reaches, on every segment: the check is wrong about all of them.
        await using var gateway = await SecondGateway.StartAsync(18093, 11948, redisDatabase: 8, await SecondGateway.PayingSettingsAsync(new()
        {
            ["Transcoding__MinSsim"] = "1",
            ["Transcoding__DeepCheckEvery"] = "1",
        }));
        var (api, admin) = await gateway.ClientsAsync();
        var stream = await CreateStreamAsync(api);
        await using var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 30, video: "640x360",
            rtmpUrl: "rtmp://127.0.0.1:11948/live");

        // Every orchestrator is tried and fails the check (its last error says so) ...
        try
        {
            await Poll.UntilAsync(async () => (await SecondGateway.DevnetPoolAsync(admin)).All(o =>
                ((string?)o["lastError"] ?? "").Contains("does not show the source's picture", StringComparison.Ordinal)), 60,
                "every orchestrator to have failed the check");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"{e.Message}\npool: {string.Join('\n', (await SecondGateway.DevnetPoolAsync(admin)).Select(o => o.ToJsonString()))}\n" +
                $"stream: {(await GetAsync(api, $"api/stream/{stream["id"]}")).ToJsonString()}\n{gateway.LogTail()}", e);
        }
        Assert.Equal(0, (await GetAsync(api, $"api/stream/{stream["id"]}"))["transcodedSegments"]!.GetValue<long>());
        // ... but none of the three honest orchestrators is banned for it.
        var pool = await SecondGateway.DevnetPoolAsync(admin);
        Assert.All(pool, o => Assert.False(o["badWork"]?.GetValue<bool>() == true, o.ToJsonString()));
        Assert.DoesNotContain("handed back bad work and gets no segments", gateway.LogTail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_every_orchestrator_is_banned_the_least_bad_one_still_transcodes_and_the_stream_is_flagged()
    {
        await using var gateway = await SecondGateway.StartAsync(18094, 11949, redisDatabase: 9, await SecondGateway.PayingSettingsAsync(new()));
        var (api, admin) = await gateway.ClientsAsync();
        await Poll.UntilAsync(async () => (await SecondGateway.DevnetPoolAsync(admin)).All(o => o["responding"]!.GetValue<bool>()), 30, "the pool to answer");

        // Every orchestrator banned, as the bans of this gateway's nodes are kept (one Redis hash, read each refresh).
        var redis = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("SG_REDIS_URL")!.Trim('\'') + ",defaultDatabase=9");
        await using (redis)
        {
            var until = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();
            foreach (var o in await SecondGateway.DevnetPoolAsync(admin))
            {
                await redis.GetDatabase().HashSetAsync("sg:orch:bans", (string)o["id"]!, until);
            }
        }
        await Task.Delay(TimeSpan.FromSeconds(4)); // a refresh (every 3 s here) loads them

        var stream = await CreateStreamAsync(api);
        await using var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 30, video: "640x360",
            rtmpUrl: "rtmp://127.0.0.1:11949/live");
        // (The bans reach the gateway's pool at its next refresh, so the first segments may still go out unflagged.)
        await Poll.UntilAsync(async () => (await GetAsync(api, $"api/stream/{stream["id"]}"))["issues"]?.ToJsonString()
            .Contains("under a ban for bad work", StringComparison.Ordinal) == true, 45, "a segment transcoded by a banned orchestrator as the last resort");
        Assert.True((await GetAsync(api, $"api/stream/{stream["id"]}"))["transcodedSegments"]!.GetValue<long>() >= 1);
    }

    private static async Task<JsonObject> CreateStreamAsync(HttpClient api)
    {
        using var created = await api.PostAsJsonAsync("api/stream", new { name = "fairness", profiles = Profile });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        return (await Json.ReadObjectAsync(created))!;
    }

    private static async Task<JsonObject> GetAsync(HttpClient api, string path) => (await Json.ReadObjectAsync(await api.GetAsync(path)))!;
}
