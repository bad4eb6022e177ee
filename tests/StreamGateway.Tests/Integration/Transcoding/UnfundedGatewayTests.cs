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

        // Viewers still get the source; a rendition that never had a segment is not offered to players.
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

    /// <summary>The gateway's own binary with its own settings, as `./dev` runs one.</summary>
    private sealed class SecondGateway : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly System.Text.StringBuilder _log = new();
        private readonly string _postgres;
        private readonly string _work;

        private SecondGateway(Process process, string postgres, string work)
        {
            _process = process;
            _postgres = postgres;
            _work = work;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        private void Append(string? line)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }

        public string LogTail()
        {
            lock (_log)
            {
                var text = _log.ToString();
                return text.Length > 6000 ? text[^6000..] : text;
            }
        }

        public static async Task<SecondGateway> StartAsync(int httpPort, int rtmpPort)
        {
            var dll = GatewayProcess.Dll();
            var database = "streamgateway_unfunded_" + Guid.NewGuid().ToString("N")[..8];
            var postgres = System.Text.RegularExpressions.Regex.Replace(Env("SG_PG_URL").Trim('\''), "Database=[^;]*", $"Database={database}");
            var work = Path.Combine(Path.GetTempPath(), $"sg-unfunded-{Guid.NewGuid():N}");
            var settings = new Dictionary<string, string>
            {
                ["ConnectionStrings__Postgres"] = postgres,
                // Its own Redis database keeps its jobs, pool snapshot and playlists apart from the suite's gateway.
                ["ConnectionStrings__Redis"] = Env("SG_REDIS_URL").Trim('\'') + ",defaultDatabase=7",
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Ingest__RtmpPort"] = $"{rtmpPort}",
                ["Ingest__WorkDir"] = Path.Combine(work, "work"),
                ["Storage__LocalRoot"] = Path.Combine(work, "media"),
                ["Transcoding__RpcUrl"] = Env("SG_ETH_RPC"),
                ["Transcoding__Controller"] = Env("SG_CONTROLLER"),
                ["Transcoding__RefreshSeconds"] = "3",
                ["Transcoding__RoundPollSeconds"] = "1",
                // A fresh account: no ETH, so nothing on deposit or in reserve however much is asked for.
                ["Transcoding__BroadcasterPrivateKey"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                ["Transcoding__DepositWei"] = "1000000000000000000",
                ["Transcoding__ReserveWei"] = "1000000000000000000",
                ["Ingest__IdleTimeoutSeconds"] = "3",
                // The devnet's orchestrators are on loopback and far dearer than mainnet's (deploy/dev/gateway.env).
                ["Transcoding__AllowPrivateOrchestrators"] = "true",
                ["Transcoding__MaxPricePerPixel"] = "1000000000",
                ["Transcoding__MaxTicketEvWei"] = "10000000000000000",
                ["Transcoding__MaxTotalEvWei"] = "1000000000000000000",
                ["Transcoding__MaxFaceValueWei"] = "100000000000000000",
            };
            using var migrate = GatewayProcess.Start(dll, settings, "migrate");
            var migrateOut = migrate.StandardOutput.ReadToEndAsync();
            var migrateErr = migrate.StandardError.ReadToEndAsync();
            await migrate.WaitForExitAsync();
            Assert.True(migrate.ExitCode == 0, $"migrate failed: {await migrateOut}{await migrateErr}");

            var gateway = new SecondGateway(GatewayProcess.Start(dll, settings), postgres, work);
            using var http = new HttpClient();
            var until = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < until && !gateway._process.HasExited)
            {
                try
                {
                    if ((await http.GetAsync($"http://127.0.0.1:{httpPort}/healthz")).IsSuccessStatusCode)
                    {
                        return gateway;
                    }
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                await Task.Delay(500);
            }
            var log = gateway.LogTail();
            await gateway.DisposeAsync();
            throw new InvalidOperationException("the second gateway did not become healthy:\n" + log);
        }

        public async Task<string> NewApiKeyAsync(bool admin = false)
        {
            var options = new DbContextOptionsBuilder<GatewayDbContext>();
            DatabaseExtensions.Configure(options, _postgres);
            await using var db = new GatewayDbContext(options.Options);
            var issued = await new AccountAdmin(db, TimeProvider.System)
                .BootstrapAsync(admin ? "admin@tests.local" : "unfunded@tests.local", admin ? "admin" : "unfunded", "test key", admin, CancellationToken.None);
            return issued.Key;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
            try
            {
                Directory.Delete(_work, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // never created
            }
        }

        private static string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
            ? v
            : throw new InvalidOperationException($"{name} is not set (run ./dev test)");
    }
}
