using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Viewership;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// Viewership from what viewers really fetch and what their players report: an asset played by two browsers, one of
/// them with a reporting player, then read back through Studio's metrics API, before and after the sessions are rolled
/// up by the hour.
/// </summary>
public sealed class ViewershipTests : IAsyncLifetime
{
    private const string Desktop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string Phone =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    private static readonly Gateway Gw = Gateway.Instance;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sg-views-");
    // Viewers are told apart by address and User-Agent, and every test runs on loopback: each run gets its own agents.
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private Tenant _tenant = null!;
    private string _playbackId = "";
    private string _assetId = "";

    public async Task InitializeAsync()
    {
        _tenant = await Gw.NewTenantAsync();
        var file = Path.Combine(_dir.FullName, "clip.mp4");
        var (code, _, error) = await Viewer.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
            "testsrc2=size=320x180:rate=30", "-t", "6", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", file);
        Assert.True(code == 0, error);
        var asset = await Uploads.UploadAsync(await File.ReadAllBytesAsync(file), tenant: _tenant);
        Assert.Equal("ready", asset["status"]!["phase"]!.GetValue<string>());
        _playbackId = asset["playbackId"]!.GetValue<string>();
        _assetId = asset["id"]!.GetValue<string>();
    }

    public Task DisposeAsync()
    {
        _dir.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Two_browsers_playing_an_asset_are_two_views_with_their_playtime_devices_and_the_players_report()
    {
        var desktop = $"{Desktop} run/{_run}";
        var phone = $"{Phone} run/{_run}";
        var segments = await PlayAsync(desktop, all: true);
        Assert.True(segments >= 1);
        Assert.Equal(1, await PlayAsync(phone, all: false));

        // The desktop's player reports: a first frame 420 ms after play, 5 s playing with 250 ms stalled.
        var report = new JsonObject
        {
            ["session_id"] = $"s-{_run}", ["playback_id"] = _playbackId, ["uid"] = "viewer-7", ["live"] = false,
            ["events"] = new JsonArray
            {
                new JsonObject { ["id"] = $"e1-{_run}", ["type"] = "first-frame", ["timestamp"] = 1 },
                new JsonObject
                {
                    ["id"] = $"e2-{_run}", ["type"] = "heartbeat", ["timestamp"] = 2, ["errors"] = 0, ["time_playing_ms"] = 5000,
                    ["time_stalled_ms"] = 250, ["play_to_first_frame_ms"] = 420,
                },
            },
        };
        for (var i = 0; i < 2; i++) // the same report again (a lost answer): its events count once
        {
            using var sent = await ReportAsync(report.ToJsonString(), desktop);
            Assert.Equal(HttpStatusCode.NoContent, sent.StatusCode);
            Assert.Equal("*", sent.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }

        var byDevice = await WaitForAsync($"api/data/views/query?playbackId={_playbackId}&breakdownBy[]=deviceType",
            rows => rows.Count == 2 && rows.Any(r => (string?)r!["deviceType"] == "desktop" && r!["ttffMs"] is not null));
        var desk = byDevice.Single(r => (string)r!["deviceType"]! == "desktop")!;
        Assert.Equal(1, (int)desk["viewCount"]!);
        Assert.Equal(5000 / 60_000.0, (double)desk["playtimeMins"]!, 3); // the player's count replaces the served estimate
        Assert.Equal(420, (double)desk["ttffMs"]!);
        Assert.Equal(0.05, (double)desk["rebufferRatio"]!, 3);
        var mobile = byDevice.Single(r => (string)r!["deviceType"]! == "mobile")!;
        Assert.Equal(1, (int)mobile["viewCount"]!);
        Assert.Equal(6 / 60.0, (double)mobile["playtimeMins"]!, 3); // one 6 s segment served
        Assert.Null(mobile["ttffMs"]);

        var byViewer = await Json.ReadArrayAsync(await _tenant.Http.GetAsync($"api/data/views/query?playbackId={_playbackId}&breakdownBy[]=viewerId&breakdownBy[]=browser"));
        Assert.Contains(byViewer, r => (string?)r!["viewerId"] == "viewer-7" && (string?)r["browser"] == "Chrome");
        Assert.Contains(byViewer, r => (string?)r!["viewerId"] == "" && (string?)r["browser"] == "Safari");

        var now = await Json.ReadArrayAsync(await _tenant.Http.GetAsync($"api/data/views/now?playbackId={_playbackId}&breakdownBy[]=browser"));
        Assert.Equal(1, (int)now.Single(r => (string?)r!["browser"] == "Chrome")!["viewCount"]!);
        Assert.Equal(1, (int)now.Single(r => (string?)r!["browser"] == "Safari")!["viewCount"]!);

        var total = await Json.ReadObjectAsync(await _tenant.Http.GetAsync($"api/data/views/query/total/{_playbackId}"));
        Assert.Equal(2, (int)total!["viewCount"]!);
        // A viewer's page may show the count without any key, as Studio allows.
        using var anonymous = await Gw.Client().GetAsync($"api/data/views/query/total/{_playbackId}");
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal(2, (int)(await Json.ReadObjectAsync(anonymous))!["viewCount"]!);

        var creator = await Json.ReadArrayAsync(await _tenant.Http.GetAsync($"api/data/views/query/creator?assetId={_assetId}&timeStep=day"));
        Assert.Equal(2, (int)creator.Single()!["viewCount"]!);
        Assert.Equal(ViewEndpoints.Bucket(DateTimeOffset.UtcNow, "day").ToUnixTimeMilliseconds(), (long)creator.Single()!["timestamp"]!);

        // Delivery: the media the gateway served is in the project's usage.
        var usage = await Json.ReadObjectAsync(await _tenant.Http.GetAsync("api/data/usage/query"));
        Assert.True((double)usage!["DeliveryUsageMins"]! >= (segments + 1) * 6 / 60.0 - 0.001, usage.ToJsonString());

        // Once the sessions have ended (moved back past the session gap here), they are rolled up by the hour and
        // the same questions get the same answers.
        await using (var db = Gw.Db())
        {
            var old = DateTimeOffset.UtcNow.AddHours(-2);
            await db.Set<ViewSession>().Where(s => s.PlaybackId == _playbackId).ExecuteUpdateAsync(s => s.SetProperty(v => v.LastSeenAt, old));
        }
        await Poll.UntilAsync(async () =>
        {
            await using var db = Gw.Db();
            return !await db.Set<ViewSession>().AnyAsync(s => s.PlaybackId == _playbackId && !s.RolledUp);
        }, 20, "the ended sessions to be rolled up");
        await using (var db = Gw.Db())
        {
            Assert.Equal(2, await db.Set<ViewHour>().Where(h => h.PlaybackId == _playbackId).SumAsync(h => h.Views));
        }
        var rolled = await Json.ReadArrayAsync(await _tenant.Http.GetAsync($"api/data/views/query?playbackId={_playbackId}&breakdownBy[]=deviceType"));
        Assert.Equal(byDevice.ToJsonString(), new JsonArray([.. rolled.OrderBy(r => (string)r!["deviceType"]!, StringComparer.Ordinal).Select(r => r!.DeepClone())]).ToJsonString());
    }

    [Fact]
    public async Task Bad_questions_and_bad_reports_are_refused_and_another_projects_views_are_not_found()
    {
        using (var r = await _tenant.Http.GetAsync("api/data/views/query/creator"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("assetId or streamId is required", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var r = await _tenant.Http.GetAsync("api/data/views/query?breakdownBy[]=shoeSize"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        }
        using (var r = await _tenant.Http.GetAsync("api/data/views/query?from=yesterday"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        }
        using (var r = await _tenant.Http.GetAsync("api/data/views/query?timeStep=fortnight"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        }
        var other = await Gw.NewTenantAsync();
        using (var r = await other.Http.GetAsync($"api/data/views/query/total/{_playbackId}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
        Assert.Empty(await Json.ReadArrayAsync(await other.Http.GetAsync($"api/data/views/query?playbackId={_playbackId}")));

        using (var r = await ReportAsync("{not json", Desktop))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        }
        using (var r = await ReportAsync("""{"session_id":"s","playback_id":"n0such1d","events":[]}""", Desktop))
        {
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        }
        var huge = $$"""{"session_id":"s","playback_id":"{{_playbackId}}","events":[{{string.Join(',', Enumerable.Repeat("""{"type":"heartbeat","time_playing_ms":1}""", 3000))}}]}""";
        using (var r = await ReportAsync(huge, Desktop))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        }
        // Preflight from any page that embeds a player.
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "analytics/log");
        preflight.Headers.Add("Origin", "https://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var answer = await Gw.Client().SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    /// <summary>Plays the asset as a player with this User-Agent would: master, the first rendition, then its segments.</summary>
    /// <returns>The segments fetched.</returns>
    private async Task<int> PlayAsync(string userAgent, bool all)
    {
        using var viewer = Gw.Client();
        viewer.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        var master = await viewer.GetStringAsync(Gateway.HlsUrl(_playbackId));
        var variant = master.Split('\n').First(l => l.EndsWith(".m3u8", StringComparison.Ordinal));
        var mediaUrl = Gateway.HlsUrl(_playbackId, variant);
        var media = await viewer.GetStringAsync(mediaUrl);
        var names = media.Split('\n').Where(l => l.EndsWith(".ts", StringComparison.Ordinal)).ToList();
        var fetched = 0;
        foreach (var name in all ? names : names.Take(1))
        {
            using var segment = await viewer.GetAsync(new Uri(new Uri(mediaUrl), name));
            Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
            fetched++;
        }
        return fetched;
    }

    private static async Task<HttpResponseMessage> ReportAsync(string body, string userAgent)
    {
        using var client = Gw.Client();
        client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        // As the player sends it: a plain fetch with a text body (no preflight) or sendBeacon.
        return await client.PostAsync("analytics/log", new StringContent(body, Encoding.UTF8, "text/plain"));
    }

    private async Task<JsonArray> WaitForAsync(string path, Func<JsonArray, bool> done)
    {
        JsonArray rows = [];
        await Poll.UntilAsync(async () =>
        {
            rows = await Json.ReadArrayAsync(await _tenant.Http.GetAsync(path));
            return done(rows);
        }, 20, $"{path} to show the views");
        return new JsonArray([.. rows.OrderBy(r => (string?)r!["deviceType"], StringComparer.Ordinal).Select(r => r!.DeepClone())]);
    }
}
