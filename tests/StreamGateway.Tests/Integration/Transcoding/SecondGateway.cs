using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;

namespace StreamGateway.Tests.Integration.Transcoding;

/// <summary>The gateway's own binary with its own settings, as `./dev` runs one.</summary>
internal sealed class SecondGateway : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log = new();
    private readonly string _postgres;
    private readonly string _work;
    private readonly int _httpPort;

    private SecondGateway(Process process, string postgres, string work, int httpPort)
    {
        _httpPort = httpPort;
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

    /// <summary>This gateway's scratch folder for assets (URL imports as they arrive, job runs).</summary>
    public string AssetWorkDir => Path.Combine(_work, "asset-work");

    /// <summary>This gateway's segment store (local), where uploads go as they arrive.</summary>
    public string MediaDir => Path.Combine(_work, "media");

    /// <summary>Whether the gateway has written <paramref name="text"/> anywhere in its output so far.</summary>
    public bool Logged(string text)
    {
        lock (_log)
        {
            return _log.ToString().Contains(text, StringComparison.Ordinal);
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

    public static async Task<SecondGateway> StartAsync(int httpPort, int rtmpPort, int redisDatabase = 7,
        IReadOnlyDictionary<string, string>? overrides = null)
    {
        var dll = GatewayProcess.Dll();
        var database = "streamgateway_unfunded_" + Guid.NewGuid().ToString("N")[..8];
        var postgres = System.Text.RegularExpressions.Regex.Replace(Env("SG_PG_URL").Trim('\''), "Database=[^;]*", $"Database={database}");
        var work = Path.Combine(Path.GetTempPath(), $"sg-unfunded-{Guid.NewGuid():N}");
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = postgres,
            // Its own Redis database keeps its jobs, pool snapshot and playlists apart from the suite's gateway.
            ["ConnectionStrings__Redis"] = Env("SG_REDIS_URL").Trim('\'') + $",defaultDatabase={redisDatabase}",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Ingest__RtmpPort"] = $"{rtmpPort}",
            ["Ingest__WorkDir"] = Path.Combine(work, "work"),
            // Its own upload folder: its watchdog would otherwise count the suite's part files as abandoned (their
            // writers' leases are in another Redis database) and delete them.
            ["Assets__WorkDir"] = Path.Combine(work, "asset-work"),
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
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            settings[name] = value;
        }
        using var migrate = GatewayProcess.Start(dll, settings, "migrate");
        var migrateOut = migrate.StandardOutput.ReadToEndAsync();
        var migrateErr = migrate.StandardError.ReadToEndAsync();
        await migrate.WaitForExitAsync();
        Assert.True(migrate.ExitCode == 0, $"migrate failed: {await migrateOut}{await migrateErr}");

        var gateway = new SecondGateway(GatewayProcess.Start(dll, settings), postgres, work, httpPort);
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

    /// <summary>Settings for a gateway that pays: a fresh broadcaster account given 10 ETH by anvil, 1 ETH each on deposit and in reserve.</summary>
    public static async Task<Dictionary<string, string>> PayingSettingsAsync(Dictionary<string, string> settings)
    {
        var key = new Nethereum.Signer.EthECKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), true);
        await Chain.Anvil.FundAsync(key.GetPublicAddress());
        settings["Transcoding__BroadcasterPrivateKey"] = Convert.ToHexStringLower(key.GetPrivateKeyAsBytes());
        settings["Transcoding__DepositWei"] = "1000000000000000000";
        settings["Transcoding__ReserveWei"] = "1000000000000000000";
        settings["Transcoding__ReuseLatencyScore"] = "0";
        return settings;
    }

    /// <summary>A tenant's and an admin's API clients for this gateway.</summary>
    public async Task<(HttpClient Api, HttpClient Admin)> ClientsAsync()
    {
        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_httpPort}/") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await NewApiKeyAsync());
        var admin = new HttpClient { BaseAddress = api.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await NewApiKeyAsync(admin: true));
        return (api, admin);
    }

    /// <summary>The devnet's orchestrators as this gateway's pool lists them.</summary>
    public static async Task<List<JsonObject>> DevnetPoolAsync(HttpClient admin)
    {
        var devnet = Environment.GetEnvironmentVariable("SG_ORCHESTRATORS")!.Split(',');
        return (await Json.ReadArrayAsync(await admin.GetAsync("api/orchestrator"))).Select(o => o!.AsObject())
            .Where(o => devnet.Contains((string?)o["serviceUri"])).ToList();
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
