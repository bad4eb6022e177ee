using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Tests.Integration;

/// <summary>Live ingest end to end, with real ffmpeg as the broadcaster and as the viewer.</summary>
public sealed partial class LiveIngestTests
{
    private static readonly Gateway Gw = Gateway.Instance;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(40);


    /// <summary>Polls a URL until <paramref name="ready"/> holds for its body, or fails at the deadline.</summary>
    private static async Task<string> WaitForAsync(HttpClient client, string url, Func<string, bool> ready, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        var last = "";
        while (DateTime.UtcNow < until)
        {
            using var response = await client.GetAsync(url);
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            if (response.IsSuccessStatusCode && ready(await response.Content.ReadAsStringAsync()))
            {
                return await response.Content.ReadAsStringAsync();
            }
            await Task.Delay(200);
        }
        Assert.Fail($"timed out waiting for {what} at {url}; last answer: {last}");
        return "";
    }

    private static int SegmentCount(string playlist) => ExtInf().Count(playlist);

    private static async Task<JsonObject> GetStreamAsync(Tenant t, string id) =>
        (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/stream/{id}")))!;

    [Fact]
    public async Task Publish_plays_over_hls_updates_the_stream_and_sends_signed_webhooks()
    {
        await using var receiver = new WebhookReceiver();
        var t = await Gw.NewTenantAsync();
        await t.CreateWebhookAsync(receiver.Url, ["stream.started", "stream.idle"], "live-secret");
        var s = await t.CreateStreamAsync(new { name = "live test" });
        var (id, key, playbackId) = ((string)s["id"]!, (string)s["streamKey"]!, (string)s["playbackId"]!);
        using var viewer = Gw.Client();

        // Before the stream has anything to play, its master is held a while (Hls:HoldSeconds) and then answered 503 with
        // Retry-After, which players retry; they give up on a 404, which only an id nobody has gets.
        using (var early = await viewer.GetAsync(Gateway.HlsUrl(playbackId)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), early.Headers.RetryAfter!.Delta);
            Assert.True(early.Headers.CacheControl!.NoCache);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync(Gateway.HlsUrl("n0such1d"))).StatusCode);

        await using var broadcaster = Broadcaster.Start(key, seconds: 7, video: "320x240", bFrames: true);
        var media = await WaitForAsync(viewer, Gateway.HlsUrl(playbackId, "source/index.m3u8"), p => SegmentCount(p) >= 2, "two live segments");
        Assert.DoesNotContain("#EXT-X-ENDLIST", media);

        using (var master = await viewer.GetAsync(Gateway.HlsUrl(playbackId)))
        {
            Assert.Equal("application/vnd.apple.mpegurl", master.Content.Headers.ContentType!.MediaType);
            Assert.Equal("*", master.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Equal("public, max-age=1", master.Headers.CacheControl!.ToString());
            var text = await master.Content.ReadAsStringAsync();
            Assert.Matches("#EXT-X-STREAM-INF:BANDWIDTH=\\d+,RESOLUTION=320x240,CODECS=\"avc1\\.[0-9A-F]{6},mp4a\\.40\\.2\",FRAME-RATE=15\\.000\nsource/index.m3u8\n", text);
        }

        // While live, the stream reports itself active.
        var live = await GetStreamAsync(t, id);
        Assert.True((bool)live["isActive"]!);
        Assert.True((long)live["sourceSegments"]! >= 1);

        var (exit, stderr) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, stderr);
        media = await WaitForAsync(viewer, Gateway.HlsUrl(playbackId, "source/index.m3u8"), p => p.Contains("#EXT-X-ENDLIST"), "the end of the playlist");

        // Segments are ~2 s (cut at the 2 s keyframes), numbered from 0, and each one decodes.
        var durations = ExtInf().Matches(media).Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(durations.Count >= 3, media);
        Assert.All(durations[..^1], d => Assert.InRange(d, 1.8, 2.3));
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:0\n", media);
        var first = media.Split('\n').First(l => l.EndsWith(".ts", StringComparison.Ordinal));
        using (var segment = await viewer.GetAsync(Gateway.HlsUrl(playbackId, "source/" + first)))
        {
            Assert.Equal(HttpStatusCode.OK, segment.StatusCode);
            Assert.Equal("video/mp2t", segment.Content.Headers.ContentType!.MediaType);
            Assert.Contains("immutable", segment.Headers.CacheControl!.ToString());
            // A plain GET is read straight into the response; a range or a conditional request gets the same bytes
            // and headers from the framework's file result.
            var whole = await segment.Content.ReadAsByteArrayAsync();
            Assert.Equal(whole.Length, segment.Content.Headers.ContentLength);
            Assert.Equal("bytes", Assert.Single(segment.Headers.AcceptRanges));
            var modified = segment.Content.Headers.LastModified!.Value;
            using var range = new HttpRequestMessage(HttpMethod.Get, Gateway.HlsUrl(playbackId, "source/" + first));
            range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 1099);
            using var part = await viewer.SendAsync(range);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal(whole[100..1100], await part.Content.ReadAsByteArrayAsync());
            Assert.Equal(modified, part.Content.Headers.LastModified);
            using var conditional = new HttpRequestMessage(HttpMethod.Get, Gateway.HlsUrl(playbackId, "source/" + first));
            conditional.Headers.IfModifiedSince = modified;
            Assert.Equal(HttpStatusCode.NotModified, (await viewer.SendAsync(conditional)).StatusCode);
        }
        // Timestamps run on across segments (no reset per segment), so players see one continuous timeline.
        var starts = new List<double>();
        foreach (var name in media.Split('\n').Where(l => l.EndsWith(".ts", StringComparison.Ordinal)))
        {
            var start = await Viewer.RunAsync("ffprobe", "-v", "error", "-show_entries", "format=start_time", "-of", "csv=p=0",
                Gateway.HlsUrl(playbackId, "source/" + name));
            starts.Add(double.Parse(start.Stdout.Trim(), System.Globalization.CultureInfo.InvariantCulture));
        }
        Assert.Equal(starts.Order(), starts);
        Assert.Equal(starts.Count, starts.Distinct().Count());
        Assert.InRange(starts[^1] - starts[0], 1.8 * (starts.Count - 1), 2.3 * (starts.Count - 1));
        var probe = await Viewer.RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0",
            Gateway.HlsUrl(playbackId));
        Assert.True(probe.ExitCode == 0, probe.Stderr);
        Assert.Contains("h264,320,240", probe.Stdout);
        Assert.Contains("aac", probe.Stdout);
        var decode = await Viewer.RunAsync("ffmpeg", "-v", "error", "-i", Gateway.HlsUrl(playbackId, "source/index.m3u8"), "-f", "null", "-");
        Assert.True(decode.ExitCode == 0 && decode.Stderr.Trim().Length == 0, decode.Stderr);

        // The stream went idle, with statistics; the session is listed.
        var idle = await WaitForStreamAsync(t, id, st => !(bool)st["isActive"]!);
        Assert.InRange((double)idle["sourceSegmentsDuration"]!, 5, 9);
        Assert.True((long)idle["sourceBytes"]! > 10_000);
        Assert.True((double)idle["ingestRate"]! > 0);
        var sessions = await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{id}/sessions"));
        var session = Assert.Single(sessions)!.AsObject();
        Assert.Equal(id, (string?)session["parentId"]);
        Assert.Equal((long)idle["sourceSegments"]!, (long)session["sourceSegments"]!);
        Assert.Equal(HttpStatusCode.OK, (await t.Http.GetAsync($"api/session/{session["id"]}")).StatusCode);

        // Playback info points at the HLS URL.
        var info = (await Json.ReadObjectAsync(await viewer.GetAsync($"api/playback/{playbackId}")))!;
        Assert.Equal("live", (string?)info["type"]);
        Assert.Equal(0, (int)info["meta"]!["live"]!);
        Assert.Equal(Gateway.HlsUrl(playbackId), (string?)info["meta"]!["source"]![0]!["url"]);
        Assert.Equal("HLS (TS)", (string?)info["meta"]!["source"]![0]!["hrn"]);

        // stream.started then stream.idle, signed, without the key.
        var hooks = await receiver.WaitForAsync(2);
        Assert.Equal(["stream.started", "stream.idle"], hooks.Select(h => (string)JsonNode.Parse(h.Text)!["event"]!));
        Assert.All(hooks, h => Assert.True(WebhookSignature.Verify("live-secret", h.Body, h.Headers["Livepeer-Signature"])));
        Assert.All(hooks, h => Assert.DoesNotContain(key, h.Text));
    }

    private static async Task<JsonObject> WaitForStreamAsync(Tenant t, string id, Func<JsonObject, bool> ready)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var stream = await GetStreamAsync(t, id);
            if (ready(stream))
            {
                return stream;
            }
            Assert.True(DateTime.UtcNow < until, $"stream never reached the expected state: {stream.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task GStreamer_rtmp2sink_publishes_too()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync(new { name = "gstreamer" });
        var playbackId = (string)s["playbackId"]!;
        using var viewer = Gw.Client();

        await using (var gst = Broadcaster.StartGStreamer((string)s["streamKey"]!, frames: 75))
        {
            var (exit, stderr) = await gst.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, stderr);
        }
        var media = await WaitForAsync(viewer, Gateway.HlsUrl(playbackId, "source/index.m3u8"), p => p.Contains("#EXT-X-ENDLIST"), "the end of the playlist");
        Assert.True(SegmentCount(media) >= 2, media);
        var master = await WaitForAsync(viewer, Gateway.HlsUrl(playbackId), p => p.Contains("RESOLUTION"), "the master playlist");
        Assert.Contains("RESOLUTION=320x240", master);
        Assert.Contains("mp4a.40.2", master);
        var decode = await Viewer.RunAsync("ffmpeg", "-v", "error", "-i", Gateway.HlsUrl(playbackId, "source/index.m3u8"), "-f", "null", "-");
        Assert.True(decode.ExitCode == 0, decode.Stderr);
    }

    [Fact]
    public async Task Unknown_key_is_refused_quickly()
    {
        var started = DateTime.UtcNow;
        await using var broadcaster = Broadcaster.Start("zzzz-zzzz-zzzz-zzzz", seconds: 20);
        var (exit, _) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(0, exit);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), "the refusal took too long");
    }

    [Fact]
    public async Task Suspending_a_live_stream_drops_the_publisher_and_refuses_it_afterwards()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync(new { name = "to suspend" });
        var (id, key, playbackId) = ((string)s["id"]!, (string)s["streamKey"]!, (string)s["playbackId"]!);
        using var viewer = Gw.Client();

        await using var broadcaster = Broadcaster.Start(key, seconds: 60);
        var playlist = await WaitForAsync(viewer, Gateway.HlsUrl(playbackId, "source/index.m3u8"), p => SegmentCount(p) >= 1, "a live segment");
        var segment = Gateway.HlsUrl(playbackId, "source/" + playlist.Split('\n').First(l => l.EndsWith(".ts", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(segment)).StatusCode);
        using (var patch = await t.Http.PatchAsJsonAsync($"api/stream/{id}", new { suspended = true }))
        {
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        }
        var (exit, _) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.NotEqual(0, exit);
        await WaitForStreamAsync(t, id, st => !(bool)st["isActive"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync($"api/playback/{playbackId}")).StatusCode);
        // Nothing of it is served while it is suspended (every node knows within the gate's cache period): not the
        // playlists, not a segment a viewer already knew.
        await Task.Delay(Core.Playback.PlaybackGate.CacheFor);
        foreach (var url in new[] { Gateway.HlsUrl(playbackId, "index.m3u8"), Gateway.HlsUrl(playbackId, "source/index.m3u8"), segment })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync(url)).StatusCode);
        }

        await using var again = Broadcaster.Start(key, seconds: 20);
        var (exitAgain, _) = await again.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotEqual(0, exitAgain);
    }

    [Fact]
    public async Task A_reconnect_keeps_the_playback_url_and_marks_a_discontinuity()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync(new { name = "reconnect" });
        var (id, key, playbackId) = ((string)s["id"]!, (string)s["streamKey"]!, (string)s["playbackId"]!);
        using var viewer = Gw.Client();

        await using (var first = Broadcaster.Start(key, seconds: 4.5))
        {
            Assert.Equal(0, (await first.WaitAsync(TimeSpan.FromSeconds(30))).ExitCode);
        }
        await WaitForAsync(viewer, Gateway.HlsUrl(playbackId, "source/index.m3u8"), p => p.Contains("#EXT-X-ENDLIST"), "the first session's end");
        await using (var second = Broadcaster.Start(key, seconds: 4.5))
        {
            Assert.Equal(0, (await second.WaitAsync(TimeSpan.FromSeconds(30))).ExitCode);
        }
        var media = await WaitForAsync(viewer, Gateway.HlsUrl(playbackId, "source/index.m3u8"),
            p => p.Contains("#EXT-X-DISCONTINUITY\n") && p.Contains("#EXT-X-ENDLIST"), "the second session in the same playlist");
        var before = media[..media.IndexOf("#EXT-X-DISCONTINUITY\n", StringComparison.Ordinal)];
        Assert.True(SegmentCount(before) >= 2, media);
        var sessions = await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{id}/sessions"));
        Assert.Equal(2, sessions.Count);

        var decode = await Viewer.RunAsync("ffmpeg", "-v", "error", "-i", Gateway.HlsUrl(playbackId, "source/index.m3u8"), "-f", "null", "-");
        Assert.True(decode.ExitCode == 0, decode.Stderr);
    }

    [Fact]
    public async Task Concurrent_streams_stay_separate_and_audio_only_works()
    {
        var t = await Gw.NewTenantAsync();
        var video = await t.CreateStreamAsync(new { name = "video" });
        var audio = await t.CreateStreamAsync(new { name = "audio only" });
        using var viewer = Gw.Client();

        await using var a = Broadcaster.Start((string)video["streamKey"]!, seconds: 5, video: "480x270", audio: false);
        await using var b = Broadcaster.Start((string)audio["streamKey"]!, seconds: 5, video: null, audio: true);
        Assert.Equal(0, (await a.WaitAsync(TimeSpan.FromSeconds(30))).ExitCode);
        Assert.Equal(0, (await b.WaitAsync(TimeSpan.FromSeconds(30))).ExitCode);

        var videoMaster = await WaitForAsync(viewer, Gateway.HlsUrl((string)video["playbackId"]!), p => p.Contains("RESOLUTION"), "the video master playlist");
        Assert.Contains("RESOLUTION=480x270", videoMaster);
        Assert.DoesNotContain("mp4a", videoMaster);
        var audioMaster = await WaitForAsync(viewer, Gateway.HlsUrl((string)audio["playbackId"]!), p => p.Contains("BANDWIDTH"), "the audio master playlist");
        Assert.DoesNotContain("RESOLUTION", audioMaster);
        Assert.Contains("CODECS=\"mp4a.40.2\"", audioMaster);

        var probeVideo = await Viewer.RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0",
            Gateway.HlsUrl((string)video["playbackId"]!, "source/index.m3u8"));
        Assert.Equal(["video"], probeVideo.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct());
        var probeAudio = await Viewer.RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0",
            Gateway.HlsUrl((string)audio["playbackId"]!, "source/index.m3u8"));
        Assert.Equal(["audio"], probeAudio.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct());

        var audioStream = await WaitForStreamAsync(t, (string)audio["id"]!, st => !(bool)st["isActive"]! && st.ContainsKey("issues"));
        Assert.Contains("No video: the publisher sends audio only", audioStream["issues"]!.AsArray().Select(i => (string)i!));
        Assert.False((bool)audioStream["isHealthy"]!);
    }

    [Fact]
    public async Task A_second_publisher_replaces_the_first_and_terminate_drops_it()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync(new { name = "replace" });
        var (id, key, playbackId) = ((string)s["id"]!, (string)s["streamKey"]!, (string)s["playbackId"]!);
        using var viewer = Gw.Client();

        await using var first = Broadcaster.Start(key, seconds: 60);
        await WaitForAsync(viewer, Gateway.HlsUrl(playbackId, "source/index.m3u8"), p => SegmentCount(p) >= 1, "the first publisher's segment");
        await using var second = Broadcaster.Start(key, seconds: 60, video: "480x270");
        Assert.NotEqual(0, (await first.WaitAsync(TimeSpan.FromSeconds(15))).ExitCode);
        var media = await WaitForAsync(viewer, Gateway.HlsUrl(playbackId, "source/index.m3u8"),
            p => p.Contains("#EXT-X-DISCONTINUITY\n", StringComparison.Ordinal) &&
                 SegmentCount(p[p.IndexOf("#EXT-X-DISCONTINUITY\n", StringComparison.Ordinal)..]) >= 1,
            "the second publisher's segments after a discontinuity");
        Assert.DoesNotContain("#EXT-X-ENDLIST", media);
        Assert.False(second.HasExited);
        Assert.True((bool)(await GetStreamAsync(t, id))["isActive"]!); // the hand-over did not flap the stream idle

        using (var terminate = await t.Http.DeleteAsync($"api/stream/{id}/terminate"))
        {
            Assert.Equal(HttpStatusCode.NoContent, terminate.StatusCode);
        }
        Assert.NotEqual(0, (await second.WaitAsync(TimeSpan.FromSeconds(15))).ExitCode);
        await WaitForStreamAsync(t, id, st => !(bool)st["isActive"]!);
        Assert.Equal(2, (await Json.ReadArrayAsync(await t.Http.GetAsync("api/session?parentId=" + id))).Count);
    }

    [Fact]
    public async Task A_stalled_publisher_is_dropped_after_the_idle_timeout_and_the_stream_goes_idle()
    {
        await using var receiver = new WebhookReceiver();
        var t = await Gw.NewTenantAsync();
        await t.CreateWebhookAsync(receiver.Url, ["stream.idle", "recording.started"]);
        var s = await t.CreateStreamAsync(new { name = "stall", record = true });
        var (id, key, playbackId) = ((string)s["id"]!, (string)s["streamKey"]!, (string)s["playbackId"]!);
        using var viewer = Gw.Client();

        await using var broadcaster = Broadcaster.Start(key, seconds: 60);
        await WaitForAsync(viewer, Gateway.HlsUrl(playbackId, "source/index.m3u8"), p => SegmentCount(p) >= 1, "a live segment");
        await broadcaster.FreezeAsync();
        // `./dev test` sets a 3 s idle timeout; the deadline leaves room for the last segment's flush.
        await WaitForAsync(viewer, Gateway.HlsUrl(playbackId, "source/index.m3u8"), p => p.Contains("#EXT-X-ENDLIST"), "the end of the playlist");
        // The session's end closes the playlist, then marks the stream idle: a read between the two still sees it live.
        await WaitForStreamAsync(t, id, st => !(bool)st["isActive"]!);
        var hooks = (await receiver.WaitForAsync(2)).Select(h => JsonNode.Parse(h.Text)!).ToList();
        Assert.Equal(["recording.started", "stream.idle"], hooks.Select(h => (string)h["event"]!));
        var session = hooks[0]["payload"]!["session"]!;
        Assert.Equal(id, (string?)session["parentId"]);
        Assert.True((bool)session["record"]!);
        Assert.Equal("waiting", (string?)session["recordingStatus"]);
        Assert.Equal(id, (string?)hooks[0]["stream"]!["id"]);
    }

    [Fact]
    public async Task Old_segments_leave_the_window_and_storage()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync(new { name = "long" });
        var (key, playbackId) = ((string)s["streamKey"]!, (string)s["playbackId"]!);
        using var viewer = Gw.Client();

        await using (var broadcaster = Broadcaster.Start(key, seconds: 16.5, video: "160x120", audio: false))
        {
            Assert.Equal(0, (await broadcaster.WaitAsync(TimeSpan.FromSeconds(40))).ExitCode);
        }
        // `./dev test` keeps a 6-segment window and 6 segments in storage; 16 s makes 8 segments.
        var media = await WaitForAsync(viewer, Gateway.HlsUrl(playbackId, "source/index.m3u8"), p => p.Contains("#EXT-X-ENDLIST"), "the end of the playlist");
        Assert.Equal(6, SegmentCount(media));
        var sequence = long.Parse(Regex.Match(media, "#EXT-X-MEDIA-SEQUENCE:(\\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(sequence >= 2, media);
        var listed = media.Split('\n').Where(l => l.EndsWith(".ts", StringComparison.Ordinal)).ToList();
        Assert.EndsWith($"_{sequence}.ts", listed[0]);
        var expired = listed[0][..listed[0].LastIndexOf('_')] + "_0.ts";
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync(Gateway.HlsUrl(playbackId, "source/" + expired))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(Gateway.HlsUrl(playbackId, "source/" + listed[0]))).StatusCode);
    }

    [GeneratedRegex("#EXTINF:([0-9.]+),")]
    private static partial Regex ExtInf();
}
