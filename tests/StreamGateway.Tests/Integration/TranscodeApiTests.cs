using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Assets;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Storage;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// <c>POST /api/transcode</c> against the S3-protocol server `./dev test` starts: a file from a bucket or a URL goes
/// through the orchestrators and lands in the caller's bucket as HLS, fragmented-MP4 HLS and MP4 that ffmpeg plays
/// from the bucket's own URLs; bad buckets, credentials and payloads are refused with messages that name them, and the
/// credentials never come back.
/// </summary>
public sealed class TranscodeApiTests : IAsyncLifetime
{
    private const string Secret = "not-a-real-secret-but-never-shown";
    private static readonly Gateway Gw = Gateway.Instance;
    private static readonly string S3Url = Environment.GetEnvironmentVariable("SG_S3_URL")
                                           ?? throw new InvalidOperationException("SG_S3_URL is not set: run `./dev test`");
    private readonly string _bucket = $"tc-{Guid.NewGuid():N}"[..20];
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sg-transcode-");
    private readonly AmazonS3Client _s3 = new(new BasicAWSCredentials("S3RVER", "S3RVER"), new AmazonS3Config
    {
        ServiceURL = S3Url, ForcePathStyle = true, AuthenticationRegion = "us-east-1",
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public async Task InitializeAsync()
    {
        await _s3.PutBucketAsync(_bucket);
        // 4 s of 640x360 H.264 with AAC, a keyframe every second, as an editor would export it.
        var file = Path.Combine(_dir.FullName, "clip.mp4");
        var (code, _, error) = await Viewer.RunAsync("ffmpeg",
            "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i",
            "sine=frequency=440:sample_rate=48000", "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-movflags", "+faststart", file);
        Assert.True(code == 0, error);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "in/clip.mp4", FilePath = file, UseChunkEncoding = false });
    }

    public Task DisposeAsync()
    {
        _s3.Dispose();
        _dir.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private object Storage(string? bucket = null, string accessKeyId = "S3RVER") =>
        new { type = "s3", endpoint = S3Url, bucket = bucket ?? _bucket, credentials = new { accessKeyId, secretAccessKey = Secret } };

    [Fact]
    public async Task A_file_from_a_bucket_becomes_hls_fmp4_and_mp4_in_the_callers_bucket_and_each_plays_from_there()
    {
        var t = await Gw.NewTenantAsync();
        using var created = await t.Http.PostAsJsonAsync("api/transcode", new
        {
            input = new { type = "s3", endpoint = S3Url, bucket = _bucket, path = "/in/clip.mp4", credentials = new { accessKeyId = "S3RVER", secretAccessKey = Secret } },
            storage = Storage(),
            outputs = new { hls = new { path = "/out/hls" }, mp4 = new { path = "out/mp4/" }, fmp4 = new { path = "out/fmp4" } },
        });
        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.OK, text);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        var task = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("transcode-file", task["type"]!.GetValue<string>());
        Assert.Equal("pending", task["status"]!["phase"]!.GetValue<string>());
        var stored = task["params"]!["transcode-file"]!;
        Assert.Equal($"s3+{S3Url}/{_bucket}/in/clip.mp4", stored["input"]!["url"]!.GetValue<string>());
        Assert.Equal($"s3+{S3Url}/{_bucket}", stored["storage"]!["url"]!.GetValue<string>());
        var id = task["id"]!.GetValue<string>();

        var done = await WaitAsync(t, id);
        Assert.True(done["status"]!["phase"]!.GetValue<string>() == "completed", done.ToJsonString());
        Assert.Equal(1, done["status"]!["progress"]!.GetValue<double>());
        Assert.DoesNotContain(Secret, done.ToJsonString(), StringComparison.Ordinal);
        var output = done["output"]!["transcode-file"]!;
        Assert.Equal($"{S3Url}/{_bucket}", output["baseUrl"]!.GetValue<string>());
        Assert.Equal("/out/hls/index.m3u8", output["hls"]!["path"]!.GetValue<string>());
        Assert.Equal("/out/fmp4/index.m3u8", output["fmp4"]!["path"]!.GetValue<string>());

        // Each output plays from the bucket, as a player or CDN in front of it would read it.
        await AssertPlaysAsync($"{S3Url}/{_bucket}/out/hls/index.m3u8", 4);
        await AssertPlaysAsync($"{S3Url}/{_bucket}/out/fmp4/index.m3u8", 4);
        var master = await new HttpClient().GetStringAsync($"{S3Url}/{_bucket}/out/fmp4/index.m3u8");
        var firstVariant = master.Split('\n').First(l => l.EndsWith(".m3u8", StringComparison.Ordinal));
        var media = await new HttpClient().GetStringAsync($"{S3Url}/{_bucket}/out/fmp4/{firstVariant}");
        Assert.Contains("#EXT-X-MAP:URI=\"init.mp4\"", media, StringComparison.Ordinal);
        var mp4s = output["mp4"]!.AsArray();
        Assert.NotEmpty(mp4s);
        foreach (var mp4 in mp4s)
        {
            Assert.StartsWith("/out/mp4/static", mp4!["path"]!.GetValue<string>(), StringComparison.Ordinal);
            await AssertPlaysAsync($"{S3Url}/{_bucket}{mp4["path"]!.GetValue<string>()}", 4);
        }

        // The credentials were sealed in the row while it ran, and are gone now it has ended.
        await using var db = Gw.Db();
        var row = await db.Tasks.AsNoTracking().FirstAsync(r => r.Id == Guid.Parse(id));
        Assert.Null(row.SealedCredentials);
        // Listed with the project's tasks; another project does not see it.
        var listed = (await Json.ReadArrayAsync(await t.Http.GetAsync("api/task")))!;
        Assert.Contains(listed, x => x!["id"]!.GetValue<string>() == id);
        var other = await Gw.NewTenantAsync();
        using var foreign = await other.Http.GetAsync($"api/task/{id}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task A_file_from_a_url_with_its_own_profiles_and_segment_size_becomes_hls()
    {
        var t = await Gw.NewTenantAsync();
        using var created = await t.Http.PostAsJsonAsync("api/transcode", new
        {
            // The bucket's anonymous URL of the input: any http(s) server would do.
            input = new { url = $"{S3Url}/{_bucket}/in/clip.mp4" },
            storage = Storage(),
            outputs = new { hls = new { path = "url/hls" } },
            profiles = new[] { new { name = "240p", width = 426, height = 240, bitrate = 400_000 } },
            targetSegmentSizeSecs = 2,
        });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var id = (await Json.ReadObjectAsync(created))!["id"]!.GetValue<string>();

        var done = await WaitAsync(t, id);
        Assert.True(done["status"]!["phase"]!.GetValue<string>() == "completed", done.ToJsonString());
        var master = await new HttpClient().GetStringAsync($"{S3Url}/{_bucket}/url/hls/index.m3u8");
        Assert.Contains("240p/index.m3u8", master, StringComparison.Ordinal);
        Assert.Contains("RESOLUTION=426x240", master, StringComparison.Ordinal);
        var media = await new HttpClient().GetStringAsync($"{S3Url}/{_bucket}/url/hls/240p/index.m3u8");
        Assert.True(media.Split('\n').Count(l => l.StartsWith("#EXTINF", StringComparison.Ordinal)) >= 2, media);
        Assert.Contains("#EXT-X-ENDLIST", media, StringComparison.Ordinal);
        await AssertPlaysAsync($"{S3Url}/{_bucket}/url/hls/index.m3u8", 4);
    }

    [Fact]
    public async Task A_missing_bucket_refused_credentials_or_missing_input_fail_the_task_with_a_message_that_names_them()
    {
        var t = await Gw.NewTenantAsync();
        var input = new { url = $"{S3Url}/{_bucket}/in/clip.mp4" };
        var missingBucket = await RunToEndAsync(t, new { input, storage = Storage("no-such-bucket-here"), outputs = new { hls = new { path = "x" } } });
        Assert.Equal("failed", missingBucket["status"]!["phase"]!.GetValue<string>());
        Assert.Equal($"the output bucket 'no-such-bucket-here' does not exist at {new Uri(S3Url).Authority}",
            missingBucket["status"]!["errorMessage"]!.GetValue<string>());

        var refused = await RunToEndAsync(t, new { input, storage = Storage(accessKeyId: "nobody"), outputs = new { hls = new { path = "x" } } });
        Assert.Equal("failed", refused["status"]!["phase"]!.GetValue<string>());
        Assert.StartsWith($"the output bucket '{_bucket}' at {new Uri(S3Url).Authority} refused the credentials (InvalidAccessKeyId",
            refused["status"]!["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);

        var missingFile = await RunToEndAsync(t, new
        {
            input = new { type = "s3", endpoint = S3Url, bucket = _bucket, path = "in/nothing.mp4", credentials = new { accessKeyId = "S3RVER", secretAccessKey = Secret } },
            storage = Storage(), outputs = new { hls = new { path = "x" } },
        });
        Assert.Equal("failed", missingFile["status"]!["phase"]!.GetValue<string>());
        Assert.Equal($"the input file 'in/nothing.mp4' was not found in the input bucket '{_bucket}'", missingFile["status"]!["errorMessage"]!.GetValue<string>());

        var unreachable = await RunToEndAsync(t, new
        {
            input, outputs = new { hls = new { path = "x" } },
            storage = new { type = "s3", endpoint = "http://127.0.0.1:9", bucket = _bucket, credentials = new { accessKeyId = "S3RVER", secretAccessKey = Secret } },
        });
        Assert.Equal("failed", unreachable["status"]!["phase"]!.GetValue<string>());
        Assert.StartsWith("the output bucket's endpoint 127.0.0.1:9 cannot be reached", unreachable["status"]!["errorMessage"]!.GetValue<string>(),
            StringComparison.Ordinal);

        foreach (var failed in new[] { missingBucket, refused, missingFile, unreachable })
        {
            Assert.DoesNotContain(Secret, failed.ToJsonString(), StringComparison.Ordinal);
        }
        await using var db = Gw.Db();
        Assert.False(await db.Tasks.AnyAsync(r => r.ProjectId == t.ProjectId && r.SealedCredentials != null), "a failed task kept its credentials");
        Assert.DoesNotContain(Secret, await File.ReadAllTextAsync(GatewayLog()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"storage":{"type":"s3","endpoint":"http://s3.example","bucket":"b-1","credentials":{"accessKeyId":"a","secretAccessKey":"s"}},"outputs":{"hls":{"path":"x"}}}""", "input: required")]
    [InlineData("""{"input":{"url":"file:///etc/passwd"},"storage":{"type":"s3","endpoint":"http://s3.example","bucket":"b-1","credentials":{"accessKeyId":"a","secretAccessKey":"s"}},"outputs":{"hls":{"path":"x"}}}""", "input.url: must be an absolute http or https URL")]
    [InlineData("""{"input":{"url":"https://files.example/a.mp4","type":"s3"},"storage":{"type":"s3","endpoint":"http://s3.example","bucket":"b-1","credentials":{"accessKeyId":"a","secretAccessKey":"s"}},"outputs":{"hls":{"path":"x"}}}""", "input: give either url or an s3 location, not both")]
    [InlineData("""{"input":{"url":"https://files.example/a.mp4"},"storage":{"type":"web3.storage","credentials":{"proof":"p"}},"outputs":{"hls":{"path":"x"}}}""", "storage.type: web3.storage is not supported here")]
    [InlineData("""{"input":{"url":"https://files.example/a.mp4"},"storage":{"type":"s3","endpoint":"http://user:pw@s3.example","bucket":"b-1","credentials":{"accessKeyId":"a","secretAccessKey":"s"}},"outputs":{"hls":{"path":"x"}}}""", "storage.endpoint: must be the http or https URL")]
    [InlineData("""{"input":{"url":"https://files.example/a.mp4"},"storage":{"type":"s3","endpoint":"http://s3.example","bucket":"../etc","credentials":{"accessKeyId":"a","secretAccessKey":"s"}},"outputs":{"hls":{"path":"x"}}}""", "storage.bucket: must be a bucket name")]
    [InlineData("""{"input":{"url":"https://files.example/a.mp4"},"storage":{"type":"s3","endpoint":"http://s3.example","bucket":"b-1"},"outputs":{"hls":{"path":"x"}}}""", "storage.credentials: accessKeyId and secretAccessKey are required")]
    [InlineData("""{"input":{"url":"https://files.example/a.mp4"},"storage":{"type":"s3","endpoint":"http://s3.example","bucket":"b-1","credentials":{"accessKeyId":"a","secretAccessKey":"s"}},"outputs":{}}""", "outputs: at least one of hls, mp4 or fmp4 is required")]
    [InlineData("""{"input":{"url":"https://files.example/a.mp4"},"storage":{"type":"s3","endpoint":"http://s3.example","bucket":"b-1","credentials":{"accessKeyId":"a","secretAccessKey":"s"}},"outputs":{"hls":{"path":"a/../../b"}}}""", "outputs.hls.path: must be a path in the bucket")]
    [InlineData("""{"input":{"url":"https://files.example/a.mp4"},"storage":{"type":"s3","endpoint":"http://s3.example","bucket":"b-1","credentials":{"accessKeyId":"a","secretAccessKey":"s"}},"outputs":{"hls":{"path":"x"}},"targetSegmentSizeSecs":600}""", "targetSegmentSizeSecs: must be between 1 and")]
    [InlineData("""{"input":{"url":"https://files.example/a.mp4"},"storage":{"type":"s3","endpoint":"http://s3.example","bucket":"b-1","credentials":{"accessKeyId":"a","secretAccessKey":"s"}},"outputs":{"hls":{"path":"x"}},"profiles":[{"name":"huge","width":16000,"height":16000,"bitrate":1000000}]}""", "profiles[0]")]
    public async Task A_bad_payload_is_refused_with_422_naming_the_field_and_no_task_is_made(string payload, string message)
    {
        var t = await Gw.NewTenantAsync();
        using var response = await t.Http.PostAsync("api/transcode", new StringContent(payload, System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, body);
        Assert.Contains(message, body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"s\"", body, StringComparison.Ordinal);
        await using var db = Gw.Db();
        Assert.False(await db.Tasks.AnyAsync(r => r.ProjectId == t.ProjectId));
    }

    [Fact]
    public async Task A_project_with_as_many_transcodes_pending_as_it_may_gets_429_until_one_ends()
    {
        var t = await Gw.NewTenantAsync();
        await using (var db = Gw.Db())
        {
            // Ten tasks waiting in line (the default bound), as a burst of requests would leave them.
            for (var i = 0; i < 10; i++)
            {
                db.Tasks.Add(new AssetTask
                {
                    Id = Guid.CreateVersion7(), ProjectId = t.ProjectId, UserId = t.UserId, Type = TranscodeFile.TaskType, Phase = "pending",
                    CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
                });
            }
            await db.SaveChangesAsync();
        }
        var payload = new { input = new { url = "https://files.example/a.mp4" }, storage = Storage(), outputs = new { hls = new { path = "x" } } };
        using var refused = await t.Http.PostAsJsonAsync("api/transcode", payload);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("already has 10 transcode tasks pending or running", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using (var db = Gw.Db())
        {
            var one = await db.Tasks.FirstAsync(r => r.ProjectId == t.ProjectId);
            one.Phase = "failed";
            await db.SaveChangesAsync();
        }
        using var accepted = await t.Http.PostAsJsonAsync("api/transcode", payload);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task A_task_whose_job_was_lost_runs_again_once_and_one_lost_twice_fails_without_its_credentials()
    {
        var t = await Gw.NewTenantAsync();
        var sealer = new TaskCredentials(new SharedSecrets(Gw.Scopes(), TimeProvider.System));
        var buckets = new TranscodeBuckets(null, null, new BucketAccess(S3Url, _bucket, "S3RVER", Secret));
        var @params = new JsonObject
        {
            ["transcode-file"] = new JsonObject
            {
                ["input"] = new JsonObject { ["url"] = $"{S3Url}/{_bucket}/in/clip.mp4" },
                ["outputs"] = new JsonObject { ["hls"] = new JsonObject { ["path"] = "lost/hls" } },
            },
        }.ToJsonString();
        // Running, untouched for longer than Assets:StuckSeconds (30 s in the suite), with no job anywhere: as a node
        // that died mid-transcode leaves it.
        var lostOnce = Guid.CreateVersion7();
        var lostTwice = Guid.CreateVersion7();
        await using (var db = Gw.Db())
        {
            var stale = DateTimeOffset.UtcNow.AddMinutes(-5);
            foreach (var (id, retries) in new[] { (lostOnce, 0), (lostTwice, 1) })
            {
                db.Tasks.Add(new AssetTask
                {
                    Id = id, ProjectId = t.ProjectId, UserId = t.UserId, Type = TranscodeFile.TaskType, Phase = "running", Params = @params,
                    Retries = retries, CreatedAt = stale, UpdatedAt = stale, SealedCredentials = await sealer.SealAsync(id, buckets),
                });
            }
            await db.SaveChangesAsync();
        }

        var resumed = await WaitAsync(t, lostOnce.ToString());
        Assert.True(resumed["status"]!["phase"]!.GetValue<string>() == "completed", resumed.ToJsonString());
        Assert.Equal(1, resumed["status"]!["retries"]!.GetValue<int>());
        await AssertPlaysAsync($"{S3Url}/{_bucket}/lost/hls/index.m3u8", 4);

        var failed = await WaitAsync(t, lostTwice.ToString());
        Assert.Equal("failed", failed["status"]!["phase"]!.GetValue<string>());
        Assert.Equal("the transcode stopped and did not resume; submit it again", failed["status"]!["errorMessage"]!.GetValue<string>());
        await using var check = Gw.Db();
        Assert.Null((await check.Tasks.AsNoTracking().FirstAsync(r => r.Id == lostTwice)).SealedCredentials);
    }

    [Fact]
    public async Task Sealed_credentials_open_only_for_their_own_task()
    {
        var sealer = new TaskCredentials(new SharedSecrets(Gw.Scopes(), TimeProvider.System));
        var id = Guid.NewGuid();
        var buckets = new TranscodeBuckets(null, null, new BucketAccess("http://s3.example", "b-1", "key", Secret));
        var sealedValue = await sealer.SealAsync(id, buckets);

        Assert.DoesNotContain(Secret, System.Text.Encoding.UTF8.GetString(sealedValue), StringComparison.Ordinal);
        Assert.Equal(buckets, await sealer.OpenAsync<TranscodeBuckets>(id, sealedValue));
        Assert.Null(await sealer.OpenAsync<TranscodeBuckets>(Guid.NewGuid(), sealedValue));
        sealedValue[^1] ^= 1;
        Assert.Null(await sealer.OpenAsync<TranscodeBuckets>(id, sealedValue));
    }

    [Fact]
    public async Task A_callers_bucket_on_a_private_address_is_refused_at_connection_unless_allowed()
    {
        var options = new S3StorageOptions { ServiceUrl = S3Url, Bucket = _bucket, AccessKey = "S3RVER", SecretKey = "S3RVER" };
        using var guarded = new S3SegmentStore(options, new GuardedS3Http(allowPrivate: false));
        var e = await Assert.ThrowsAnyAsync<Exception>(() => guarded.ListOneAsync("in", CancellationToken.None));
        Assert.True(Chain(e).OfType<AddressRefusedException>().Any(), e.ToString());

        using var allowed = new S3SegmentStore(options, new GuardedS3Http(allowPrivate: true));
        await allowed.ListOneAsync("in", CancellationToken.None);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
        }
    }

    private static string GatewayLog() =>
        Path.Combine(Environment.GetEnvironmentVariable("SG_STATE_DIR") ?? throw new InvalidOperationException("SG_STATE_DIR is not set"), "logs", "gateway.log");

    private static async Task<JsonObject> RunToEndAsync(Tenant t, object payload)
    {
        using var created = await t.Http.PostAsJsonAsync("api/transcode", payload);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        return await WaitAsync(t, (await Json.ReadObjectAsync(created))!["id"]!.GetValue<string>());
    }

    private static async Task<JsonObject> WaitAsync(Tenant t, string id)
    {
        JsonObject? task = null;
        await Poll.UntilAsync(async () =>
        {
            task = await Json.ReadObjectAsync(await t.Http.GetAsync($"api/task/{id}"));
            return task!["status"]!["phase"]!.GetValue<string>() is "completed" or "failed";
        }, 180, $"task {id} to complete or fail");
        return task!;
    }

    /// <summary>ffmpeg reads the whole of <paramref name="url"/> (following a master playlist to its first variant) and finds about this many seconds.</summary>
    private static async Task AssertPlaysAsync(string url, double seconds)
    {
        var (code, _, error) = await Viewer.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", url, "-map", "0:v:0", "-f", "null", "-");
        Assert.True(code == 0, $"{url}: {error}");
        var (probeCode, probed, probeError) = await Viewer.RunAsync("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", url);
        Assert.True(probeCode == 0, $"{url}: {probeError}");
        var duration = double.Parse(probed.Trim().Split('\n')[0], CultureInfo.InvariantCulture);
        Assert.InRange(duration, seconds - 0.6, seconds + 0.6);
    }
}
