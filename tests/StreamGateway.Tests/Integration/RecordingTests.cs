using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// Recordings and clips end to end: ffmpeg publishes over RTMP, the devnet orchestrators transcode live, and the
/// session becomes an asset (record: true) or a range of it becomes a clip asset, through the real VOD pipeline.
/// They count on every orchestrator answering, so they never overlap the tests that stop or misconfigure them.
/// </summary>
[Collection(Transcoding.DevnetOrchestrators.Name)]
public sealed partial class RecordingTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    private static readonly object[] Ladder = [new { name = "240p", width = 426, height = 240, bitrate = 300_000, fps = 0 }];


    [GeneratedRegex(@"#EXTINF:([0-9.]+),\s*\n(\S+)")]
    private static partial Regex Entry();

    [GeneratedRegex(@"#EXT-X-PROGRAM-DATE-TIME:(\S+)\n#EXTINF:([0-9.]+),")]
    private static partial Regex ProgramDates();

    [Fact]
    public async Task A_recorded_session_becomes_a_playable_asset_made_from_the_renditions_it_had_live()
    {
        var t = await Gw.NewTenantAsync();
        await using var receiver = new WebhookReceiver();
        await t.CreateWebhookAsync(receiver.Url, ["recording.started", "recording.waiting", "recording.ready"]);
        var stream = await t.CreateStreamAsync(new { name = "recorded", record = true, profiles = Ladder });
        await using (var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 10, video: "640x360"))
        {
            var (exit, stderr) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(40));
            Assert.True(exit == 0, stderr);
        }

        var session = await t.RecordedSessionAsync(stream);
        var sessionId = (string)session["id"]!;
        var recordingUrl = (string)session["recordingUrl"]!;
        var mp4Url = (string)session["mp4Url"]!;
        var seconds = session["sourceSegmentsDuration"]!.GetValue<double>();
        var count = session["sourceSegments"]!.GetValue<long>();
        Assert.True(seconds >= 8, session.ToJsonString());

        // The recording is an asset with the session's id.
        var asset = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/asset/{sessionId}")))!;
        Assert.Equal("recording", (string?)asset["source"]!["type"]);
        Assert.Equal(sessionId, (string?)asset["source"]!["sessionId"]);
        Assert.Equal("ready", (string?)asset["status"]!["phase"]);
        Assert.Equal(recordingUrl, (string?)asset["playbackUrl"]);
        var playbackId = (string)asset["playbackId"]!;

        // HLS: the source and the live ladder, every segment of the session, ended.
        using var http = new HttpClient();
        var master = await http.GetStringAsync(recordingUrl);
        Assert.Contains("source/index.m3u8", master, StringComparison.Ordinal);
        Assert.Contains("240p/index.m3u8", master, StringComparison.Ordinal);
        foreach (var rendition in new[] { "source", "240p" })
        {
            var media = await http.GetStringAsync(Gateway.HlsUrl(playbackId, $"{rendition}/index.m3u8"));
            Assert.Contains("#EXT-X-ENDLIST", media, StringComparison.Ordinal);
            Assert.DoesNotContain("#EXT-X-GAP", media, StringComparison.Ordinal);
            var entries = Entry().Matches(media);
            Assert.Equal(count, entries.Count);
            var listed = entries.Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            Assert.True(Math.Abs(listed - seconds) < 0.5, $"{rendition} lists {listed} s of {seconds} s:\n{media}");
        }

        // Reused, not transcoded again: the recording's rendition segments are the very files made live.
        var live = await http.GetStringAsync(Gateway.HlsUrl((string)stream["playbackId"]!, "240p/index.m3u8"));
        var liveSegments = Entry().Matches(live).Select(m => m.Groups[2].Value).Where(u => !u.StartsWith("gap_", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(liveSegments);
        foreach (var name in liveSegments)
        {
            var index = name[(name.LastIndexOf('_') + 1)..^3];
            Assert.Equal(await http.GetByteArrayAsync(Gateway.HlsUrl((string)stream["playbackId"]!, $"240p/{name}")),
                await http.GetByteArrayAsync(Gateway.HlsUrl(playbackId, $"240p/{index}.ts")));
        }
        // Usage of an asset counts what was transcoded for it; none at all answers 404.
        var usage = await t.Http.GetAsync($"api/data/usage/query?assetId={sessionId}");
        var again = usage.StatusCode == HttpStatusCode.NotFound ? 0 : (await Json.ReadObjectAsync(usage))!["TranscodedMins"]!.GetValue<double>() * 60;
        Assert.True(again < 2.5, $"only a segment that missed its rendition live may be transcoded again, not {again} s");

        // The MP4 download holds the whole session.
        var mp4 = Path.Combine(Path.GetTempPath(), $"sg-{Guid.NewGuid():N}.mp4");
        try
        {
            await File.WriteAllBytesAsync(mp4, await http.GetByteArrayAsync(mp4Url));
            var (code, stdout, error) = await Viewer.RunAsync("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", mp4);
            Assert.True(code == 0, error);
            var duration = double.Parse(stdout.Trim(), CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(duration - seconds) < 1, $"the MP4 lasts {duration} s, the session {seconds} s");
        }
        finally
        {
            File.Delete(mp4);
        }

        // Webhooks: started, waiting, then ready with the URLs.
        var deliveries = await receiver.WaitForAsync(3, TimeSpan.FromSeconds(30));
        var events = deliveries.Select(d => JsonNode.Parse(d.Text)!).ToList();
        Assert.Equal(["recording.started", "recording.waiting", "recording.ready"], events.Select(e => (string)e["event"]!).ToArray());
        var ready = events[2]["payload"]!;
        Assert.Equal(recordingUrl, (string?)ready["recordingUrl"]);
        Assert.Equal(mp4Url, (string?)ready["mp4Url"]);
        Assert.Equal("ready", (string?)ready["session"]!["recordingStatus"]);
        Assert.Equal(sessionId, (string?)ready["session"]!["assetId"]);

        var info = (await Json.ReadObjectAsync(await http.GetAsync($"{Gw.BaseUrl}api/playback/{playbackId}")))!;
        Assert.Equal("vod", (string?)info["type"]);
        Assert.Equal("MP4", (string?)info["meta"]!["source"]![0]!["hrn"]);
        var bySession = (await Json.ReadObjectAsync(await http.GetAsync($"{Gw.BaseUrl}api/playback/{sessionId}")))!;
        Assert.Equal("recording", (string?)bySession["type"]);
        Assert.Equal(recordingUrl, (string?)bySession["meta"]!["source"]![0]!["url"]);
    }

    [Fact]
    public async Task A_clip_of_a_live_streams_recent_window_becomes_an_asset_of_that_range()
    {
        var t = await Gw.NewTenantAsync();
        var stream = await t.CreateStreamAsync(new { name = "clipped", profiles = Ladder });
        var streamPlaybackId = (string)stream["playbackId"]!;
        await using var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 30, video: "640x360");
        JsonObject session = [];
        await Poll.UntilAsync(async () =>
        {
            var sessions = await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{stream["id"]}/sessions"));
            session = sessions.Count == 1 ? sessions[0]!.AsObject() : [];
            return session["sourceSegmentsDuration"]?.GetValue<double>() >= 10;
        }, 40, "10 s of the stream");

        // A player clips by the wall-clock times the live playlist gives each segment (EXT-X-PROGRAM-DATE-TIME).
        using var http = new HttpClient();
        var live = await http.GetStringAsync(Gateway.HlsUrl(streamPlaybackId, "source/index.m3u8"));
        var listed = ProgramDates().Matches(live).Select(m => (
            At: DateTimeOffset.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
            Seconds: double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.True(listed.Count >= 4, live);
        for (var i = 1; i < listed.Count; i++)
        {
            Assert.True(Math.Abs(listed[i].At - listed[i - 1].At - listed[i - 1].Seconds * 1000) < 50, $"segment times do not follow their lengths:\n{live}");
        }
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.True(Math.Abs(listed[^1].At + listed[^1].Seconds * 1000 - now) < 6000, $"the last segment is not about now ({now}):\n{live}");
        var start = listed[^3].At + 500;
        var end = start + 5000;
        var response = await t.Http.PostAsync("api/clip", Json.Body(new { playbackId = streamPlaybackId, startTime = start, endTime = end, name = "highlight" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var created = (await Json.ReadObjectAsync(response))!;
        var asset = created["asset"]!.AsObject();
        var id = (string)asset["id"]!;
        Assert.Equal("clip", (string?)asset["source"]!["type"]);
        Assert.Equal(streamPlaybackId, (string?)asset["source"]!["playbackId"]);
        Assert.Equal((string?)session["id"], (string?)asset["source"]!["sessionId"]);
        Assert.Equal("highlight", (string?)asset["name"]);
        var task = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/task/{created["task"]!["id"]}")))!;
        Assert.Equal("clip", (string?)task["type"]);

        // Not ready yet: Studio refuses changes until it is.
        var patch = await t.Http.PatchAsync($"api/asset/{id}", Json.Body(new { name = "renamed" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, patch.StatusCode);

        // Bad requests answer with a reason and make nothing.
        Assert.Equal(HttpStatusCode.UnprocessableEntity,
            (await t.Http.PostAsync("api/clip", Json.Body(new { playbackId = streamPlaybackId, startTime = end, endTime = start }))).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity,
            (await t.Http.PostAsync("api/clip", Json.Body(new { playbackId = streamPlaybackId }))).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity,
            (await t.Http.PostAsync("api/clip", Json.Body(new { playbackId = streamPlaybackId, startTime = now - 600_000, endTime = now }))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await t.Http.PostAsync("api/clip", Json.Body(new { playbackId = "nosuchplayback", startTime = start, endTime = end }))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest,
            (await t.Http.PostAsync("api/clip", Json.Body(new { playbackId = (string)asset["playbackId"]!, startTime = start, endTime = end }))).StatusCode);
        var other = await Gw.NewTenantAsync();
        Assert.Equal(HttpStatusCode.NotFound,
            (await other.Http.PostAsync("api/clip", Json.Body(new { playbackId = streamPlaybackId, startTime = start, endTime = end }))).StatusCode);

        JsonObject clip = [];
        await Poll.UntilAsync(async () =>
        {
            clip = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/asset/{id}")))!;
            return (string?)clip["status"]!["phase"] is "ready" or "failed";
        }, 90, "the clip");
        Assert.True((string?)clip["status"]!["phase"] == "ready", clip.ToJsonString());
        var duration = clip["videoSpec"]!["duration"]!.GetValue<double>();
        Assert.True(Math.Abs(duration - 5) < 0.5, $"a 5 s range made a {duration} s clip");
        Assert.NotNull((string?)clip["downloadUrl"]);
        Assert.Contains("#EXT-X-STREAM-INF", await http.GetStringAsync((string)clip["playbackUrl"]!), StringComparison.Ordinal);

        var streamClips = await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{stream["id"]}/clips"));
        Assert.Equal([id], streamClips.Select(c => (string)c!["id"]!).ToArray());
        var byPlayback = await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{streamPlaybackId}/clips"));
        Assert.Single(byPlayback);
        var sessionClips = await Json.ReadArrayAsync(await t.Http.GetAsync($"api/session/{session["id"]}/clips"));
        Assert.Single(sessionClips);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"api/stream/{stream["id"]}/clips")).StatusCode);
    }
}
