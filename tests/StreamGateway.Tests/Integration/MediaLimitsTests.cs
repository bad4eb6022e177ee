using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// A tenant cannot ask for renditions no honest encoder can make (which verification would blame on the orchestrators),
/// and a source cannot be larger than the transcoders take, or go without keyframes so that one segment holds it all.
/// </summary>
public sealed partial class MediaLimitsTests : IAsyncLifetime
{
    private static readonly Gateway Gw = Gateway.Instance;
    private static readonly object[] StarvedProfile = [new { name = "720p", width = 1280, height = 720, bitrate = 400, fps = 0 }];
    private const string StarvedError =
        "profiles[0].bitrate: 1280x720 at 30 fps needs at least 829440 bits/s (0.03 bits per pixel per frame, and never under 50000)";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sg-limits-");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _dir.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_400_bps_profile_is_refused_when_a_stream_is_created_or_changed()
    {
        var t = await Gw.NewTenantAsync();
        using (var created = await t.Http.PostAsJsonAsync("api/stream", new { name = "starved", profiles = StarvedProfile }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
            Assert.Equal([StarvedError], await Json.ErrorsAsync(created));
        }
        using (var recorded = await t.Http.PostAsJsonAsync("api/stream",
                   new { name = "starved recording", record = true, recordingSpec = new { profiles = StarvedProfile } }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, recorded.StatusCode);
            Assert.Equal(["recordingSpec." + StarvedError], await Json.ErrorsAsync(recorded));
        }
        var s = await t.CreateStreamAsync();
        using var patched = await t.Http.PatchAsJsonAsync($"api/stream/{s["id"]}", new { profiles = StarvedProfile });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, patched.StatusCode);
        Assert.Equal([StarvedError], await Json.ErrorsAsync(patched));
    }

    [Fact]
    public async Task A_400_bps_profile_is_refused_when_an_asset_is_uploaded_or_imported()
    {
        var t = await Gw.NewTenantAsync();
        using (var upload = await t.Http.PostAsJsonAsync("api/asset/request-upload", new { name = "starved", profiles = StarvedProfile }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, upload.StatusCode);
            Assert.Equal([StarvedError], await Json.ErrorsAsync(upload));
        }
        using var import = await t.Http.PostAsJsonAsync("api/asset/upload/url",
            new { name = "starved", url = "http://127.0.0.1:9/video.mp4", profiles = StarvedProfile });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, import.StatusCode);
        Assert.Equal([StarvedError], await Json.ErrorsAsync(import));
    }

    [Fact]
    public async Task A_profile_without_a_size_must_meet_the_floor_at_the_sources_size()
    {
        var file = await MakeVideoAsync("small.mp4", "testsrc2=size=640x360:rate=30", seconds: 2, gopFrames: 30);

        var asset = await Uploads.UploadAsync(await File.ReadAllBytesAsync(file), profiles: [new { name = "thin", bitrate = 60_000 }]);

        Assert.Equal("failed", asset["status"]!["phase"]!.GetValue<string>());
        Assert.StartsWith("profiles[0].bitrate: 640x360 at 30 fps needs at least 207360 bits/s",
            asset["status"]!["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_larger_than_the_source_limit_fails_with_the_reason()
    {
        // A flat picture costs nothing to encode at any size; 4160x2160 is just above DCI 4K's 8847360 pixels.
        var file = await MakeVideoAsync("huge.mp4", "color=c=gray:size=4160x2160:rate=5", seconds: 1, gopFrames: 5);

        var asset = await Uploads.UploadAsync(await File.ReadAllBytesAsync(file));

        Assert.Equal("failed", asset["status"]!["phase"]!.GetValue<string>());
        Assert.Equal("the video is 4160x2160 (8985600 pixels); sources of at most 8847360 pixels are accepted",
            asset["status"]!["errorMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_upload_with_sparse_keyframes_is_cut_into_short_chunks_not_one_long_one()
    {
        // One keyframe in 24 s: cut at keyframes, the whole file would be one chunk, read into memory at once.
        var file = await MakeVideoAsync("sparse.mp4", "testsrc2=size=160x120:rate=10", seconds: 24, gopFrames: 100_000);

        var asset = await Uploads.UploadAsync(await File.ReadAllBytesAsync(file));

        Assert.Equal("ready", asset["status"]!["phase"]!.GetValue<string>());
        using var http = Gw.Client();
        var playbackId = asset["playbackId"]!.GetValue<string>();
        var master = await http.GetStringAsync(Gateway.HlsUrl(playbackId, "index.m3u8"));
        var variant = master.Split('\n').First(l => l.EndsWith(".m3u8", StringComparison.Ordinal));
        var media = await http.GetStringAsync(Gateway.HlsUrl(playbackId, variant));
        var durations = ExtInf().Matches(media).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(durations.Count >= 4, media);
        Assert.All(durations, d => Assert.InRange(d, 0.1, 6.5)); // Assets:SegmentSeconds is 6
    }

    [Fact]
    public async Task A_live_source_larger_than_the_limit_is_ended_with_an_issue_before_any_segment_plays()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync(new { name = "8k-ish" });
        var clock = Stopwatch.StartNew();

        await using var broadcaster = Broadcaster.Start((string)s["streamKey"]!, seconds: 15, video: "4160x2160", audio: false, gopFrames: 5,
            pattern: "color", rate: 5);

        var (exit, _) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(40));
        Assert.NotEqual(0, exit);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(13), $"the publish ran {clock.Elapsed.TotalSeconds:0} s of its 15");
        var stream = await WaitForIssueAsync(t, (string)s["id"]!, "Publish ended: the video is 4160x2160");
        Assert.Equal(["Publish ended: the video is 4160x2160 (8985600 pixels); sources of at most 8847360 pixels are accepted"],
            stream["issues"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.False(stream["isHealthy"]!.GetValue<bool>());
        Assert.Equal(0, stream["sourceSegments"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_live_source_without_keyframes_is_ended_after_the_keyframe_timeout()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync(new { name = "keyframe-less" });
        var clock = Stopwatch.StartNew();

        // x264's ultrafast preset has no scene-cut keyframes, so this sends one keyframe and then none for 25 s.
        await using var broadcaster = Broadcaster.Start((string)s["streamKey"]!, seconds: 25, gopFrames: 100_000);

        var (exit, _) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(45));
        Assert.NotEqual(0, exit);
        // `./dev test` sets Ingest:KeyframeTimeoutSeconds to 6: the publish ends then, not after all of its 25 s in one segment.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(18), $"the publish ran {clock.Elapsed.TotalSeconds:0} s of its 25");
        var stream = await WaitForIssueAsync(t, (string)s["id"]!, "Publish ended: no keyframe in 6 s");
        Assert.Equal(0, stream["sourceSegments"]!.GetValue<long>());
        Assert.False(stream["isActive"]!.GetValue<bool>());
    }

    private static async Task<JsonObject> WaitForIssueAsync(Tenant t, string id, string issue)
    {
        JsonObject? stream = null;
        await Poll.UntilAsync(async () =>
        {
            stream = await Json.ReadObjectAsync(await t.Http.GetAsync($"api/stream/{id}"));
            return stream!["issues"] is JsonArray issues && issues.Any(i => i!.GetValue<string>().StartsWith(issue, StringComparison.Ordinal));
        }, 20, $"the issue \"{issue}\" on stream {id}");
        return stream!;
    }

    private async Task<string> MakeVideoAsync(string name, string source, int seconds, int gopFrames)
    {
        var path = Path.Combine(_dir.FullName, name);
        var (code, _, error) = await Viewer.RunAsync("ffmpeg",
            "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source, "-t", seconds.ToString(CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "ultrafast", "-g", gopFrames.ToString(CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p", path);
        Assert.True(code == 0, error);
        return path;
    }


    [GeneratedRegex(@"#EXTINF:([0-9.]+),")]
    private static partial Regex ExtInf();
}
