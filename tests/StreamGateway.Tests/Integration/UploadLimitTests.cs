using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;
using StreamGateway.Tests.Integration.Transcoding;

namespace StreamGateway.Tests.Integration;

/// <summary>Uploads cannot fill the gateway's disk: one writer per upload, a quota per project, short-lived URLs, no leftovers.</summary>
public sealed class UploadLimitTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    /// <summary>The suite's gateway's segment store (Storage__LocalRoot of `./dev`).</summary>
    private static string MediaDir => Path.Combine(Environment.GetEnvironmentVariable("SG_STATE_DIR")!, "media");

    /// <summary>Where the suite's gateway writes uploads as they arrive (Assets__WorkDir of `./dev`).</summary>
    private static string WorkDir(string assetId) =>
        Path.Combine(Environment.GetEnvironmentVariable("SG_STATE_DIR")!, "asset-work", Guid.Parse(assetId).ToString("N"));

    [Fact]
    public async Task A_second_put_while_the_first_is_writing_gets_409_and_the_first_finishes()
    {
        var t = await Gw.NewTenantAsync();
        var (id, url, _) = await RequestUploadAsync(t);
        var bytes = Random(300_000);
        var release = new TaskCompletionSource();
        using var client = Gw.Client();
        var first = client.PutAsync(url, new Body(bytes, declared: true, holdAfter: 64 * 1024, release.Task));
        // Writing: it holds the asset's writer lease in Redis (the bytes go straight into the store).
        var redis = await RedisAsync();
        await Poll.UntilAsync(async () => await redis.KeyExistsAsync(StreamGateway.Core.Assets.AssetLease.UploadKey(Guid.Parse(id))),
            20, "the first upload to start writing");

        using (var second = await client.PutAsync(url, new ByteArrayContent(bytes)))
        {
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            Assert.Contains("another request is writing this upload", (await Json.ErrorsAsync(second))[0], StringComparison.Ordinal);
        }
        release.SetResult();
        using var done = await first;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var asset = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/asset/{id}")))!;
        Assert.Equal(bytes.Length, asset["size"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_upload_another_node_is_writing_is_refused_here_until_that_writer_is_gone()
    {
        var t = await Gw.NewTenantAsync();
        var (id, url, tus) = await RequestUploadAsync(t);
        using var client = Gw.Client();
        using var created = await client.SendAsync(Uploads.Tus(HttpMethod.Post, tus, ("Upload-Length", "1000")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!;

        // Another gateway node holds the upload's writer lease in the shared Redis.
        var redis = await RedisAsync();
        var lease = $"sg:vod:{Guid.Parse(id):N}:upload";
        await redis.StringSetAsync(lease, "another node", TimeSpan.FromSeconds(60));
        using (var patch = await client.SendAsync(Uploads.Patch(location.ToString(), 0, Random(1000))))
        {
            Assert.Equal(HttpStatusCode.Conflict, patch.StatusCode);
            Assert.Contains("another request is writing this upload", (await Json.ErrorsAsync(patch))[0], StringComparison.Ordinal);
        }
        using (var put = await client.PutAsync(url, new ByteArrayContent(Random(1000))))
        {
            Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        }

        await redis.KeyDeleteAsync(lease);
        using var resumed = await client.SendAsync(Uploads.Patch(location.ToString(), 0, Random(1000)));
        Assert.Equal(HttpStatusCode.NoContent, resumed.StatusCode);
        Assert.Equal("1000", resumed.Headers.GetValues("Upload-Offset").Single());
    }

    [Fact]
    public async Task A_project_at_its_quota_is_refused_before_and_while_an_upload_is_written()
    {
        var quota = long.Parse(Environment.GetEnvironmentVariable("Assets__MaxProjectBytes") ?? (100L << 30).ToString(CultureInfo.InvariantCulture),
            CultureInfo.InvariantCulture);
        var t = await Gw.NewTenantAsync();
        var (stored, _, _) = await RequestUploadAsync(t);
        await SetStoredSizeAsync(stored, quota - 1000); // a source that leaves 1000 bytes of the quota
        var (id, url, _) = await RequestUploadAsync(t);
        using var client = Gw.Client();

        // Declared (Content-Length): refused before a byte is written.
        using (var declared = await client.PutAsync(url, new ByteArrayContent(Random(2000))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, declared.StatusCode);
            Assert.Contains("storage quota", (await Json.ErrorsAsync(declared))[0], StringComparison.Ordinal);
        }
        // Undeclared (chunked): stopped once it passes the quota, and nothing of it is kept.
        using (var chunked = await client.PutAsync(url, new Body(Random(2000), declared: false)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, chunked.StatusCode);
        }
        Assert.Empty(Directory.Exists(WorkDir(id)) ? Directory.GetFiles(WorkDir(id)) : []);

        using (var fits = await client.PutAsync(url, new ByteArrayContent(Random(500))))
        {
            Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        }
        await SetStoredSizeAsync(stored, quota - 500); // with the 500 just stored, the quota is used up
        using var full = await t.Http.PostAsJsonAsync("api/asset/request-upload", new { name = "one too many" });
        Assert.Equal(HttpStatusCode.Forbidden, full.StatusCode);
        Assert.Contains("storage quota", (await Json.ErrorsAsync(full))[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disk_short_of_the_free_space_floor_refuses_every_upload_with_507_and_keeps_nothing()
    {
        // A floor of 1 EiB: no disk has that much free, so this gateway's work disk is always short of space.
        const int httpPort = 18095, rtmpPort = 11950;
        await using var gateway = await SecondGateway.StartAsync(httpPort, rtmpPort, redisDatabase: 10,
            new Dictionary<string, string> { ["Assets__MinFreeDiskBytes"] = (1L << 60).ToString(CultureInfo.InvariantCulture) });
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await gateway.NewApiKeyAsync());
        using var requested = await api.PostAsJsonAsync("api/asset/request-upload", new { name = "disk full" });
        Assert.Equal(HttpStatusCode.OK, requested.StatusCode);
        var body = (await Json.ReadObjectAsync(requested))!;
        var id = body["asset"]!["id"]!.GetValue<string>();
        using var client = new HttpClient();

        // Declared (Content-Length), undeclared (chunked) and a tus upload's declared length: each refused, with why.
        using (var declared = await client.PutAsync(body["url"]!.GetValue<string>(), new ByteArrayContent(Random(2000))))
        {
            Assert.Equal(HttpStatusCode.InsufficientStorage, declared.StatusCode);
            Assert.Contains("short of disk space", (await Json.ErrorsAsync(declared))[0], StringComparison.Ordinal);
        }
        using (var chunked = await client.PutAsync(body["url"]!.GetValue<string>(), new Body(Random(2000), declared: false)))
        {
            Assert.Equal(HttpStatusCode.InsufficientStorage, chunked.StatusCode);
        }
        using (var tus = await client.SendAsync(Uploads.Tus(HttpMethod.Post, body["tusEndpoint"]!.GetValue<string>(), ("Upload-Length", "2000"))))
        {
            Assert.Equal(HttpStatusCode.InsufficientStorage, tus.StatusCode);
            Assert.Contains("short of disk space", (await Json.ErrorsAsync(tus))[0], StringComparison.Ordinal);
        }

        foreach (var dir in new[] { Path.Combine(gateway.AssetWorkDir, Guid.Parse(id).ToString("N")), Path.Combine(gateway.MediaDir, "assets", Guid.Parse(id).ToString("N")) })
        {
            Assert.Empty(Directory.Exists(dir) ? Directory.GetFiles(dir, "*", SearchOption.AllDirectories) : []);
        }
        var asset = (await Json.ReadObjectAsync(await api.GetAsync($"api/asset/{id}")))!;
        Assert.Null(asset["size"]);
        Assert.Equal("uploading", asset["status"]!["phase"]!.GetValue<string>());
    }

    [Fact]
    public async Task Uploads_beyond_what_a_node_writes_into_object_storage_at_once_are_refused_with_503_and_keep_nothing()
    {
        // A gateway on the suite's S3 server that writes one upload at a time (each holds up to a part in memory).
        const int httpPort = 18089, rtmpPort = 11944;
        await using var gateway = await SecondGateway.StartAsync(httpPort, rtmpPort, redisDatabase: 12, new Dictionary<string, string>
        {
            ["Storage__Backend"] = "s3",
            ["Storage__S3__ServiceUrl"] = Environment.GetEnvironmentVariable("SG_S3_URL")!,
            ["Storage__S3__Bucket"] = Environment.GetEnvironmentVariable("SG_S3_BUCKET") ?? "streamgateway",
            ["Storage__S3__AccessKey"] = "S3RVER",
            ["Storage__S3__SecretKey"] = "S3RVER",
            ["Storage__S3__MaxOpenWriters"] = "1",
        });
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await gateway.NewApiKeyAsync());
        var t = new Tenant("", Guid.Empty, Guid.Empty, api);
        var (firstId, firstUrl, _) = await RequestUploadAsync(t);
        var (secondId, secondUrl, secondTus) = await RequestUploadAsync(t);
        using var client = new HttpClient();
        var bytes = Random(300_000);
        var release = new TaskCompletionSource();
        var first = client.PutAsync(firstUrl, new Body(bytes, declared: true, holdAfter: 64 * 1024, release.Task));
        // The first is writing once it holds its writer lease (in that gateway's Redis database); its store writer opens next.
        using (var redis = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("SG_REDIS_URL")!.Trim('\'')))
        {
            var lease = StreamGateway.Core.Assets.AssetLease.UploadKey(Guid.Parse(firstId));
            await Poll.UntilAsync(async () => await redis.GetDatabase(12).KeyExistsAsync(lease), 20, "the first upload to start writing");
        }
        await Task.Delay(300);

        using (var refused = await client.PutAsync(secondUrl, new ByteArrayContent(bytes)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("as many uploads as it can", (await Json.ErrorsAsync(refused))[0], StringComparison.Ordinal);
        }
        using (var created = await client.SendAsync(Uploads.Tus(HttpMethod.Post, secondTus, ("Upload-Length", "1000"))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            using var patch = await client.SendAsync(Uploads.Patch(created.Headers.Location!.ToString(), 0, Random(1000)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, patch.StatusCode);
        }
        var second = (await Json.ReadObjectAsync(await api.GetAsync($"api/asset/{secondId}")))!;
        Assert.Equal("uploading", (string?)second["status"]!["phase"]);

        // Once the first is stored, the second goes through.
        release.SetResult();
        using (var done = await first)
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }
        using (var retried = await client.PutAsync(secondUrl, new ByteArrayContent(bytes)))
        {
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        }
        Assert.Equal(bytes.Length, (long)(await Json.ReadObjectAsync(await api.GetAsync($"api/asset/{firstId}")))!["size"]!);
    }

    [Fact]
    public async Task Upload_urls_start_uploads_for_an_hour_at_most()
    {
        var t = await Gw.NewTenantAsync();
        var (_, url, tus) = await RequestUploadAsync(t);
        foreach (var link in new[] { url, tus })
        {
            // The token is {asset}.{expiry in unix seconds}.{signature}.
            var token = Uri.UnescapeDataString(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]);
            var expires = DateTimeOffset.FromUnixTimeSeconds(long.Parse(token.Split('.')[1], CultureInfo.InvariantCulture));
            Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(50), TimeSpan.FromMinutes(61));
        }
    }

    [Fact]
    public async Task What_a_tus_patch_brings_is_kept_in_the_store_and_goes_when_the_abandoned_upload_fails()
    {
        var t = await Gw.NewTenantAsync();
        var (id, _, tus) = await RequestUploadAsync(t);
        using var client = Gw.Client();
        using var created = await client.SendAsync(Uploads.Tus(HttpMethod.Post, tus, ("Upload-Length", "1000000")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var bytes = Random(100_000);
        using var patch = await client.SendAsync(Uploads.Patch(created.Headers.Location!.ToString(), 0, bytes));
        Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);

        // The piece is in the segment store (any node may take the next PATCH); nothing stays in this node's work folder.
        var piece = Path.Combine(MediaDir, "assets", Guid.Parse(id).ToString("N"), "upload", "000000000000000");
        Assert.Equal(bytes, await File.ReadAllBytesAsync(piece));
        Assert.Empty(Directory.Exists(WorkDir(id)) ? Directory.GetFiles(WorkDir(id)) : []);

        // Nobody finishes it: the watchdog fails the asset (uploads time out after 20 s under ./dev test) and its
        // pieces go with it.
        await Poll.UntilAsync(async () =>
            (string?)(await Json.ReadObjectAsync(await t.Http.GetAsync($"api/asset/{id}")))!["status"]!["phase"] == "failed", 60,
            "the abandoned upload to fail");
        await Poll.UntilAsync(() => Task.FromResult(!File.Exists(piece)), 10, "the abandoned upload's piece to be deleted");
    }

    [Fact]
    public async Task A_part_file_whose_asset_a_job_holds_is_kept_however_long_its_server_stalls()
    {
        // Two imports' part files, untouched for an hour: one import still runs (its job holds the asset's lease, as a
        // fetch from a server that stalls does), the other's node died.
        var running = Guid.NewGuid().ToString();
        var dead = Guid.NewGuid().ToString();
        foreach (var id in new[] { running, dead })
        {
            Directory.CreateDirectory(WorkDir(id));
            await File.WriteAllBytesAsync(Path.Combine(WorkDir(id), "import.part"), Random(1000));
            File.SetLastWriteTimeUtc(Path.Combine(WorkDir(id), "import.part"), DateTime.UtcNow.AddHours(-1));
        }
        var redis = await RedisAsync();
        var lease = StreamGateway.Core.Assets.AssetLease.JobKey(Guid.Parse(running));
        await redis.StringSetAsync(lease, "an import on this node", TimeSpan.FromSeconds(60));

        await Poll.UntilAsync(() => Task.FromResult(!File.Exists(Path.Combine(WorkDir(dead), "import.part"))), 30,
            "the dead import's part file to be deleted");
        await Task.Delay(TimeSpan.FromSeconds(5)); // two more rounds of the watchdog (every 2 s under ./dev test)
        Assert.True(File.Exists(Path.Combine(WorkDir(running), "import.part")), "the running import's part file was deleted");

        await redis.KeyDeleteAsync(lease);
        await Poll.UntilAsync(() => Task.FromResult(!File.Exists(Path.Combine(WorkDir(running), "import.part"))), 30,
            "the part file to be deleted once no job holds its asset");
    }

    private static async Task<(string Id, string Url, string Tus)> RequestUploadAsync(Tenant t)
    {
        using var response = await t.Http.PostAsJsonAsync("api/asset/request-upload", new { name = "limits" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await Json.ReadObjectAsync(response))!;
        return (body["asset"]!["id"]!.GetValue<string>(), body["url"]!.GetValue<string>(), body["tusEndpoint"]!.GetValue<string>());
    }

    /// <summary>The suite's Redis, which the suite's gateway keeps its leases in.</summary>
    private static async Task<IDatabase> RedisAsync() =>
        (await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("SG_REDIS_URL")!.Trim('\''))).GetDatabase();

    private static async Task SetStoredSizeAsync(string id, long size)
    {
        await using var db = Gw.Db();
        var assetId = Guid.Parse(id);
        await db.Assets.Where(a => a.Id == assetId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Phase, "ready").SetProperty(a => a.Size, size));
    }

    private static byte[] Random(int length) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);

    /// <summary>A request body that can stop after its first bytes until released, and can leave its length undeclared (chunked).</summary>
    private sealed class Body(byte[] bytes, bool declared, int holdAfter = 0, Task? release = null) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, holdAfter));
            await stream.FlushAsync();
            await (release ?? Task.CompletedTask);
            await stream.WriteAsync(bytes.AsMemory(holdAfter));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return declared;
        }
    }
}
