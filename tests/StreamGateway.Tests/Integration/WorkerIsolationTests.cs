using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// Floods of slow background work hold the gateway's workers on purpose; they run alone, after the suite's other
/// tests, so that no other test waits behind them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkerFloods
{
    public const string Name = "worker floods";
}

/// <summary>
/// Tenants who hold background workers with slow URL imports (a file server that sends a byte a second) and with
/// webhooks to a receiver that never answers cannot delay another tenant's live renditions, and each of them holds
/// only its share of the workers it floods.
/// </summary>
[Collection(WorkerFloods.Name)]
public sealed class WorkerIsolationTests
{
    private const int FloodTenants = 4;
    private const int ImportsPerTenant = 4;
    private const int WebhooksPerTenant = 3;

    [Fact]
    public async Task Slow_imports_and_dead_webhook_receivers_of_other_tenants_leave_every_live_rendition_on_time()
    {
        var gw = Gateway.Instance;
        await using var files = SlowPeer.Trickle();
        await using var receivers = SlowPeer.Silent();
        var hooks = new List<(Tenant Tenant, string Id)>();
        try
        {
            // Each flooding tenant imports files that take half an hour to arrive, and every import's asset.created
            // goes to webhooks whose receiver never answers: deliveries that each wait out the delivery timeout.
            for (var i = 0; i < FloodTenants; i++)
            {
                var tenant = await gw.NewTenantAsync();
                for (var h = 0; h < WebhooksPerTenant; h++)
                {
                    var hook = await tenant.CreateWebhookAsync($"{receivers.Url}/t{i}/hook{h}", ["asset.created"]);
                    hooks.Add((tenant, hook["id"]!.GetValue<string>()));
                }
                for (var f = 0; f < ImportsPerTenant; f++)
                {
                    using var import = await tenant.Http.PostAsJsonAsync("api/asset/upload/url",
                        new { name = $"slow {i}.{f}", url = $"{files.Url}/t{i}/file{f}.mp4" });
                    Assert.Equal(System.Net.HttpStatusCode.Created, import.StatusCode);
                }
            }
            await Poll.UntilAsync(() => Task.FromResult(files.Open >= 2), 20, "the slow imports to start");

            // Meanwhile another tenant goes live with a ladder.
            var t = await gw.NewTenantAsync();
            var stream = await t.CreateStreamAsync(new
            {
                name = "on time",
                profiles = new object[]
                {
                    new { name = "240p", width = 426, height = 240, bitrate = 300_000, fps = 0 },
                    new { name = "144p", width = 256, height = 144, bitrate = 150_000, fps = 0 },
                },
            });
            await using (var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 20, video: "640x360"))
            {
                var (exit, stderr) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(45));
                Assert.True(exit == 0, stderr);
            }

            // Every source segment got its renditions, each within its deadline (a late one becomes a gap).
            var session = await SessionAsync(t, stream);
            for (var until = DateTime.UtcNow.AddSeconds(20); !KeptUp(session) && DateTime.UtcNow < until; session = await SessionAsync(t, stream))
            {
                await Task.Delay(500);
            }
            Assert.True(KeptUp(session), $"the renditions fell behind the source: {session.ToJsonString()}");
            Assert.True(session["sourceSegments"]!.GetValue<long>() >= 6, session.ToJsonString());
            using var http = new HttpClient();
            foreach (var rendition in new[] { "240p", "144p" })
            {
                var playlist = await http.GetStringAsync($"{Environment.GetEnvironmentVariable("SG_HLS_URL")}/{stream["playbackId"]}/{rendition}/index.m3u8");
                Assert.DoesNotContain("#EXT-X-GAP", playlist, StringComparison.Ordinal);
            }

            // The flood was real, and no tenant held more than its share: two imports and four deliveries at once.
            Assert.True(files.MostAtOnce >= 2, $"at most {files.MostAtOnce} imports were fetching at once");
            Assert.True(receivers.MostAtOnce >= 2, $"at most {receivers.MostAtOnce} deliveries were waiting at once");
            Assert.All(files.MostAtOnceByTenant, p => Assert.True(p.Value <= 2, $"tenant {p.Key} had {p.Value} imports at once"));
            Assert.All(receivers.MostAtOnceByTenant, p => Assert.True(p.Value <= 4, $"tenant {p.Key} had {p.Value} deliveries at once"));

            // Live segments have workers of their own: a Hangfire server that takes the live queue and nothing else,
            // while no server mixes live with other work.
            await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("SG_REDIS_URL")!.Trim('\''));
            var servers = new List<string[]>();
            foreach (var id in await redis.GetDatabase().SetMembersAsync("sg:hangfire:servers"))
            {
                servers.Add([.. (await redis.GetDatabase().ListRangeAsync($"sg:hangfire:server:{id}:queues")).Select(q => q.ToString())]);
            }
            Assert.Contains(servers, queues => queues is ["live"]);
            Assert.DoesNotContain(servers, queues => queues.Length > 1 && queues.Contains("live"));
        }
        finally
        {
            // Deleted webhooks get no more retries; the imports fail once the file server goes away.
            foreach (var (tenant, id) in hooks)
            {
                using var _ = await tenant.Http.DeleteAsync($"api/webhook/{id}");
            }
        }
    }

    private static async Task<JsonObject> SessionAsync(Tenant t, JsonObject stream) =>
        (await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{stream["id"]}/sessions")))[0]!.AsObject();

    private static bool KeptUp(JsonObject session) =>
        session["transcodedSegments"]!.GetValue<long>() >= session["sourceSegments"]!.GetValue<long>() - 1;
}
