using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace StreamGateway.Tests.Integration.Multistream;

/// <summary>Streams that pull from a URL: an ffmpeg RTMP or SRT sender, or an HLS playlist on a plain HTTP server.</summary>
public sealed class PullTests : IDisposable
{
    private static readonly Gateway Gw = Gateway.Instance;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sg-pull-");
    private readonly List<Process> _processes = [];

    public void Dispose()
    {
        foreach (var p in _processes.Where(p => !p.HasExited))
        {
            p.Kill(entireProcessTree: true);
        }
        _dir.Delete(recursive: true);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private Process Start(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        var process = Process.Start(info)!;
        _processes.Add(process);
        return process;
    }

    /// <summary>An ffmpeg that serves <paramref name="seconds"/> of a test picture with sound to whoever connects to <paramref name="url"/>.</summary>
    private Process Sender(string url, string format, int seconds) => Start("ffmpeg",
    [
        "-hide_banner", "-loglevel", "error", "-re",
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", $"{seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac",
        .. (format == "flv" ? (string[])["-f", "flv", "-listen", "1"] : ["-f", "mpegts"]), url,
    ]);

    private static async Task<JsonObject> StreamAsync(Tenant t, JsonObject s) =>
        (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/stream/{s["id"]}")))!;

    private static async Task WaitActiveAsync(Tenant t, JsonObject s, bool active, int seconds) =>
        await Poll.UntilAsync(async () => (bool)(await StreamAsync(t, s))["isActive"]! == active, seconds, $"the stream to be {(active ? "live" : "idle")}");

    private static async Task AssertPlaysAsync(string playbackId)
    {
        using var viewer = Gw.Client();
        await Poll.UntilAsync(async () =>
        {
            using var r = await viewer.GetAsync(Gateway.HlsUrl(playbackId, "source/index.m3u8"));
            return r.StatusCode == HttpStatusCode.OK && (await r.Content.ReadAsStringAsync()).Contains("#EXTINF", StringComparison.Ordinal);
        }, 20, "a segment of the pulled stream");
        var decode = await Viewer.RunAsync("ffmpeg", "-v", "error", "-i", Gateway.HlsUrl(playbackId), "-t", "1", "-f", "null", "-");
        Assert.True(decode.ExitCode == 0, decode.Stderr);
    }

    [Fact]
    public async Task A_stream_pulled_over_rtmp_goes_live_plays_comes_back_with_its_source_and_stops_when_terminated()
    {
        var port = FreePort();
        var source = $"rtmp://127.0.0.1:{port}/live/camera";
        var sender = Sender(source, "flv", 10);
        var t = await Gw.NewTenantAsync();
        // It restreams too: its pushes follow it into the session its source's return starts.
        await using var hooks = new WebhookReceiver();
        await t.CreateWebhookAsync(hooks.Url, ["multistream.connected"]);
        await using var receiver = Receiver.Rtmp();
        var s = await t.CreateStreamAsync(new
        {
            name = "pulled",
            profiles = Array.Empty<object>(),
            pull = new { source, headers = new { Authorization = "Bearer x" } },
            multistream = new { targets = new[] { new { profile = "source", spec = new { url = receiver.Url } } } },
        });
        Assert.Equal(source, (string?)s["pull"]!["source"]);
        Assert.False(s["pull"]!.AsObject().ContainsKey("headers"));

        await WaitActiveAsync(t, s, true, 25);
        await AssertPlaysAsync((string)s["playbackId"]!);
        await sender.WaitForExitAsync();
        await WaitActiveAsync(t, s, false, 20);

        await receiver.ReceivedAsync();

        // The source comes back: the pull reads it again, a new session, and the target gets it again.
        receiver.Started();
        Sender(source, "flv", 30);
        await WaitActiveAsync(t, s, true, 40);
        await Poll.UntilAsync(() => Task.FromResult(hooks.Deliveries.Count(d => d.Text.Contains("multistream.connected", StringComparison.Ordinal)) >= 2),
            20, "the target to be pushed to in the second session");
        Assert.Equal(2, hooks.Deliveries.Select(d => (string?)JsonNode.Parse(d.Text)!["payload"]!["sessionId"]).Distinct().Count());
        Assert.Equal(HttpStatusCode.NoContent, (await t.Http.DeleteAsync($"api/stream/{s["id"]}/terminate")).StatusCode);
        await WaitActiveAsync(t, s, false, 15);
        await Task.Delay(6000);
        Assert.False((bool)(await StreamAsync(t, s))["isActive"]!, "a terminated pull stream must stay idle while its source is up");

        // start-pull starts it again (from a new sender: an ffmpeg listening for RTMP serves one viewer, then ends).
        Sender(source, "flv", 20);
        Assert.Equal(HttpStatusCode.NoContent, (await t.Http.PostAsync($"api/stream/{s["id"]}/start-pull", null)).StatusCode);
        await WaitActiveAsync(t, s, true, 40);
        var sessions = await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{s["id"]}/sessions"));
        Assert.True(sessions.Count >= 2, $"{sessions.Count} sessions");
    }

    [Fact]
    public async Task A_stream_pulls_from_an_srt_sender_and_from_an_hls_playlist_over_http()
    {
        var port = FreePort();
        Sender($"srt://127.0.0.1:{port}?mode=listener", "mpegts", 12);
        var t = await Gw.NewTenantAsync();
        var srt = await t.CreateStreamAsync(new { name = "srt pull", profiles = Array.Empty<object>(), pull = new { source = $"srt://127.0.0.1:{port}" } });
        await WaitActiveAsync(t, srt, true, 25);
        await AssertPlaysAsync((string)srt["playbackId"]!);

        // A finished HLS rendition on a plain web server, read at its own pace.
        var made = await Viewer.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15",
            "-t", "12", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", "-f", "hls", "-hls_time", "2",
            "-hls_playlist_type", "vod", Path.Combine(_dir.FullName, "index.m3u8"));
        Assert.True(made.ExitCode == 0, made.Stderr);
        var web = FreePort();
        Start("python3", "-m", "http.server", $"{web}", "--bind", "127.0.0.1", "--directory", _dir.FullName);
        var hls = await t.CreateStreamAsync(new { name = "hls pull", profiles = Array.Empty<object>(), pull = new { source = $"http://127.0.0.1:{web}/index.m3u8" } });
        await WaitActiveAsync(t, hls, true, 30);
        await AssertPlaysAsync((string)hls["playbackId"]!);
    }

    [Fact]
    public async Task Bad_pull_sources_and_headers_are_refused()
    {
        var t = await Gw.NewTenantAsync();
        foreach (var pull in new object[]
        {
            new { source = "file:///etc/passwd" },
            new { source = "ftp://example.com/x" },
            new { source = "rtmp://example.com/live/x", headers = new Dictionary<string, string> { ["X-A"] = "a\r\nInjected: 1" } },
            new { source = "https://example.com/x.m3u8", location = new { lat = 123.0, lon = 0.0 } },
        })
        {
            using var refused = await t.Http.PostAsync("api/stream", Json.Body(new { name = "bad", pull }));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        }
        var plain = await t.CreateStreamAsync();
        using var noPull = await t.Http.PostAsync($"api/stream/{plain["id"]}/start-pull", null);
        Assert.Equal(HttpStatusCode.BadRequest, noPull.StatusCode);
        Assert.Contains("no pull source", (await Json.ErrorsAsync(noPull))[0], StringComparison.Ordinal);
    }
}
