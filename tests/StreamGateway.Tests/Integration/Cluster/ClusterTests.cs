using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StreamGateway.Tests.Integration.Multistream;

namespace StreamGateway.Tests.Integration.Cluster;

/// <summary>
/// Two gateway nodes on one PostgreSQL, Redis and S3 store (s3rver) behind nginx, as `./dev test` starts them for this
/// category after the rest of the suite: publishing through the balancer, playing from each node directly, losing the
/// node that holds the publisher, and a resumable upload carried on by the other node. One class, so its tests run
/// one after another (one of them kills a node).
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    private static string[] NodeUrls =>
        (Environment.GetEnvironmentVariable("SG_NODE_URLS") ?? throw new InvalidOperationException("SG_NODE_URLS is not set: run `./dev test`"))
        .Split(',');

    private static HttpClient Node(int index, string? key = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(NodeUrls[index].TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }

    /// <summary>The node whose /api/node lists a publisher of the stream, or -1.</summary>
    private static async Task<(int Node, string? Session)> HolderAsync(string streamId)
    {
        for (var i = 0; i < NodeUrls.Length; i++)
        {
            using var node = Node(i, Gw.AdminKey);
            try
            {
                var info = (await Json.ReadObjectAsync(await node.GetAsync("api/node")))!;
                if (info["publishers"]!.AsArray().FirstOrDefault(p => (string?)p!["streamId"] == streamId) is { } held)
                {
                    return (i, (string?)held["sessionId"]);
                }
            }
            catch (HttpRequestException)
            {
                // a node that is down holds nothing
            }
        }
        return (-1, null);
    }

    private static async Task<long> TranscodedByAsync(int index)
    {
        using var node = Node(index, Gw.AdminKey);
        return (long)(await Json.ReadObjectAsync(await node.GetAsync("api/node")))!["liveSegmentsTranscoded"]!;
    }

    private static async Task<string> TextAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {client.BaseAddress}{url}: {(int)response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    private static string[] Segments(string playlist) => [.. playlist.Split('\n').Where(l => l.EndsWith(".ts", StringComparison.Ordinal))];

    /// <summary>The segments after the playlist's last discontinuity.</summary>
    private static string[] AfterGap(string playlist)
    {
        var lines = playlist.Split('\n');
        var gap = Array.FindLastIndex(lines, l => l.StartsWith("#EXT-X-DISCONTINUITY", StringComparison.Ordinal));
        return gap < 0 ? [] : [.. lines.Skip(gap).Where(l => l.EndsWith(".ts", StringComparison.Ordinal))];
    }

    [Fact]
    public async Task Losing_the_node_that_holds_the_publisher_moves_the_stream_its_pushes_and_its_recordings_to_the_other()
    {
        await using var hooks = new WebhookReceiver();
        await using var target = Receiver.Rtmp();
        var t = await Gw.NewTenantAsync();
        await t.CreateWebhookAsync(hooks.Url, ["stream.started", "stream.idle", "recording.started", "recording.ready", "multistream.connected"]);
        var s = await t.CreateStreamAsync(new
        {
            name = "cluster",
            record = true,
            profiles = new[] { new { name = "160p0", width = 284, height = 160, bitrate = 200_000, fps = 0 } },
            multistream = new { targets = new[] { new { profile = "source", spec = new { name = "receiver", url = target.Url } } } },
        });
        var streamId = (string)s["id"]!;
        var key = (string)s["streamKey"]!;
        var playbackId = (string)s["playbackId"]!;
        var source = $"hls/{playbackId}/source/index.m3u8";
        var rendition = $"hls/{playbackId}/160p0/index.m3u8";
        using var viaBalancer = Gw.Client();

        // Published through the balancer: it lands on one node and plays from both.
        var first = Broadcaster.Start(key, seconds: 90);
        var holder = -1;
        try
        {
            await Poll.UntilAsync(async () => (holder = (await HolderAsync(streamId)).Node) >= 0, 30, "a node to hold the publisher");
            await Poll.UntilAsync(async () => Segments(await TextAsync(viaBalancer, source)).Length >= 3, 60, "three source segments");
            for (var i = 0; i < NodeUrls.Length; i++)
            {
                using var node = Node(i);
                Assert.Contains("160p0/index.m3u8", await TextAsync(node, $"hls/{playbackId}/index.m3u8"), StringComparison.Ordinal);
            }
            var segment = Segments(await TextAsync(viaBalancer, source))[^1];
            using (var one = Node(0))
            using (var two = Node(1))
            {
                var a = await one.GetByteArrayAsync($"hls/{playbackId}/source/{segment}");
                Assert.True(a.Length > 1000 && a[0] == 0x47, "an MPEG-TS segment");
                Assert.Equal(a, await two.GetByteArrayAsync($"hls/{playbackId}/source/{segment}"));
            }
            // Both nodes' workers take the stream's transcode jobs, whichever node holds its publisher.
            await Poll.UntilAsync(async () => await TranscodedByAsync(0) > 0 && await TranscodedByAsync(1) > 0, 40,
                "live transcode jobs done on both nodes");
            await Poll.UntilAsync(() => Task.FromResult(new FileInfo(target.Files[0]).Exists && new FileInfo(target.Files[0]).Length > 50_000), 30,
                "the multistream target to receive the push");

            // The node holding the publisher dies. The encoder's connection goes with it; its reconnect, through the
            // balancer, lands on the other node.
            await DevCommand.RunAsync("gateway", "kill", (holder + 1).ToString(CultureInfo.InvariantCulture));
            await first.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await first.DisposeAsync();
        }
        try
        {
            var survivor = 1 - holder;
            await target.ReceivedAsync(0); // the push from the dead node ended with it
            target.Started();
            // Short enough that the gap stays inside the live window (Hls__WindowSegments=6 in the suite).
            await using (var second = Broadcaster.Start(key, seconds: 9))
            {
                await Poll.UntilAsync(async () => (await HolderAsync(streamId)).Node == survivor, 30, "the other node to take the publisher");
                using var node = Node(survivor);
                // The same playback URL goes on, across a discontinuity.
                await Poll.UntilAsync(async () => AfterGap(await TextAsync(node, source)).Length >= 3, 60, "segments after the gap");
                await second.WaitAsync(TimeSpan.FromSeconds(60));
            }
            // Every source segment after the gap gets its rendition: none is lost to the move.
            using (var node = Node(survivor))
            {
                string sourceList = "", renditionList = "";
                for (var tries = 0; tries < 80; tries++)
                {
                    sourceList = await TextAsync(node, source);
                    renditionList = await TextAsync(node, rendition);
                    if (AfterGap(sourceList).Length > 0 && AfterGap(renditionList).Length == AfterGap(sourceList).Length)
                    {
                        break;
                    }
                    await Task.Delay(500);
                }
                Assert.True(AfterGap(sourceList).Length > 0 && AfterGap(renditionList).Length == AfterGap(sourceList).Length,
                    $"source:\n{sourceList}\nrendition:\n{renditionList}");
            }
            var seconds = (await target.ReceivedAsync(1, seconds: 60)).Seconds;
            Assert.True(seconds > 5, $"the survivor pushed {seconds} s to the target");

            // The node comes back; the session whose node died is ended by the survivor's sweep and recorded like the
            // other, and both recordings play from either node.
            await DevCommand.RunAsync("gateway", "start", (holder + 1).ToString(CultureInfo.InvariantCulture));
            JsonArray sessions = [];
            await Poll.UntilAsync(async () =>
            {
                sessions = await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{streamId}/sessions?record=1"));
                return sessions.Count == 2 && sessions.All(x => (string?)x!["recordingStatus"] is "ready" or "failed");
            }, 120, "both sessions' recordings");
            foreach (var session in sessions)
            {
                Assert.Equal("ready", (string?)session!["recordingStatus"]);
                var recording = new Uri((string)session["recordingUrl"]!).PathAndQuery.TrimStart('/');
                for (var i = 0; i < NodeUrls.Length; i++)
                {
                    using var each = Node(i);
                    var master = await TextAsync(each, recording);
                    Assert.Contains("#EXT-X-STREAM-INF", master, StringComparison.Ordinal);
                }
            }

            // Every event was delivered once, by one node.
            await Task.Delay(3000);
            var events = hooks.Deliveries.Select(d => JsonNode.Parse(d.Text)!).ToList();
            var ids = events.Select(e => (string)e["id"]!).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            var names = events.Select(e => (string)e["event"]!).ToList();
            // The stream never went idle in between (the reconnect came first): one start, one idle at the end.
            Assert.Equal(1, names.Count(n => n == "stream.started"));
            Assert.Equal(1, names.Count(n => n == "stream.idle"));
            Assert.Equal(2, names.Count(n => n == "recording.started"));
            Assert.Equal(2, names.Count(n => n == "recording.ready"));
            Assert.Equal(2, names.Count(n => n == "multistream.connected"));
        }
        finally
        {
            await DevCommand.RunAsync("gateway", "start", (holder + 1).ToString(CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task A_resumable_upload_begun_on_one_node_is_finished_on_the_other_and_plays_and_seeks_from_the_store()
    {
        var dir = Directory.CreateTempSubdirectory("sg-cluster-");
        try
        {
            var file = Path.Combine(dir.FullName, "clip.mp4");
            var (code, _, error) = await Viewer.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-g", "15",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", file);
            Assert.True(code == 0, error);
            var bytes = await File.ReadAllBytesAsync(file);

            var t = await Gw.NewTenantAsync();
            using var requested = await t.Http.PostAsJsonAsync("api/asset/request-upload", new { name = "across nodes", staticMp4 = true });
            Assert.Equal(HttpStatusCode.OK, requested.StatusCode);
            var body = (await Json.ReadObjectAsync(requested))!;
            var assetId = (string)body["asset"]!["id"]!;
            var tus = new Uri((string)body["tusEndpoint"]!);

            // Created and half written on node 1 ...
            using var one = Node(0);
            using var created = await one.SendAsync(Uploads.Tus(HttpMethod.Post, tus.PathAndQuery, ("Upload-Length", bytes.Length.ToString(CultureInfo.InvariantCulture))));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var upload = created.Headers.Location!.PathAndQuery;
            var half = bytes.Length / 2;
            using (var patch = await one.SendAsync(Uploads.Patch(upload, 0, bytes[..half])))
            {
                Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
            }

            // ... and resumed on node 2, which learns the offset from the shared state and finishes the file.
            using var two = Node(1);
            using (var head = await two.SendAsync(Uploads.Tus(HttpMethod.Head, upload)))
            {
                Assert.Equal(HttpStatusCode.OK, head.StatusCode);
                Assert.Equal(half.ToString(CultureInfo.InvariantCulture), head.Headers.GetValues("Upload-Offset").Single());
            }
            using (var stale = await two.SendAsync(Uploads.Patch(upload, 0, bytes[..10])))
            {
                Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
            }
            using (var rest = await two.SendAsync(Uploads.Patch(upload, half, bytes[half..])))
            {
                Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
                Assert.Equal(bytes.Length.ToString(CultureInfo.InvariantCulture), rest.Headers.GetValues("Upload-Offset").Single());
            }

            JsonObject asset = [];
            await Poll.UntilAsync(async () =>
            {
                asset = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/asset/{assetId}")))!;
                return (string?)asset["status"]!["phase"] is "ready" or "failed";
            }, 180, "the asset to be processed");
            Assert.True((string?)asset["status"]!["phase"] == "ready", asset.ToJsonString());
            Assert.Equal(bytes.Length, (long)asset["size"]!);

            // Its HLS plays from either node, byte for byte the same.
            var playbackId = (string)asset["playbackId"]!;
            var master = await TextAsync(one, $"hls/{playbackId}/index.m3u8");
            var media = master.Split('\n').First(l => l.EndsWith(".m3u8", StringComparison.Ordinal));
            var first = Segments(await TextAsync(two, $"hls/{playbackId}/{media}"))[0];
            var mediaDir = media[..(media.LastIndexOf('/') + 1)];
            Assert.Equal(await one.GetByteArrayAsync($"hls/{playbackId}/{mediaDir}{first}"), await two.GetByteArrayAsync($"hls/{playbackId}/{mediaDir}{first}"));

            // The balancer keeps a copy of a public segment: the second viewer's request never reaches a node.
            using var balancer = Gw.Client();
            var segmentPath = $"hls/{playbackId}/{mediaDir}{first}";
            using (var miss = await balancer.GetAsync(segmentPath))
            {
                Assert.Equal(HttpStatusCode.OK, miss.StatusCode);
            }
            using (var hit = await balancer.GetAsync(segmentPath))
            {
                Assert.Equal("HIT", hit.Headers.GetValues("X-Cache-Status").Single());
            }

            // Its MP4 seeks: a range read from the object store, with the validators a player needs.
            var mp4 = new Uri((string)asset["downloadUrl"]!).PathAndQuery;
            var whole = await one.GetByteArrayAsync(mp4);
            using var ranged = new HttpRequestMessage(HttpMethod.Get, mp4);
            ranged.Headers.Range = new RangeHeaderValue(1000, 1999);
            using var part = await two.SendAsync(ranged);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal($"bytes 1000-1999/{whole.Length}", part.Content.Headers.ContentRange!.ToString());
            Assert.Equal(whole[1000..2000], await part.Content.ReadAsByteArrayAsync());
            Assert.NotNull(part.Headers.ETag);
            using var tail = new HttpRequestMessage(HttpMethod.Get, mp4);
            tail.Headers.Range = new RangeHeaderValue(null, 500);
            using var end = await one.SendAsync(tail);
            Assert.Equal(HttpStatusCode.PartialContent, end.StatusCode);
            Assert.Equal(whole[^500..], await end.Content.ReadAsByteArrayAsync());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The first byte a node's RTMP port answers a handshake with, or -1 when it closes the connection.</summary>
    private static async Task<int> HandshakeAnswerAsync(int node, byte[] before)
    {
        var rtmp = new Uri((Environment.GetEnvironmentVariable("SG_NODE_RTMP_URLS") ?? throw new InvalidOperationException("run ./dev test"))
            .Split(',')[node]);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(rtmp.Host, rtmp.Port);
        var stream = client.GetStream();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var answer = new byte[1];
        try
        {
            // A node that refuses the header may reset the connection while the handshake is still being written.
            await stream.WriteAsync(before);
            await stream.WriteAsync((byte[])[0x03, .. new byte[1536]]);
            return await stream.ReadAsync(answer, limit.Token) == 1 ? answer[0] : -1;
        }
        catch (IOException)
        {
            return -1; // reset
        }
    }

    [Fact]
    public async Task A_stream_changed_through_one_node_is_read_fresh_from_the_other_that_had_it_cached()
    {
        // ./dev test keeps a stream's answer 30 s on each node: only the write notice can make node 1 forget its copy.
        var t = await Gw.NewTenantAsync();
        using var one = Node(0, t.Key);
        using var two = Node(1, t.Key);
        using var created = await one.PostAsJsonAsync("api/stream", new { name = "before" });
        var id = (string)(await Json.ReadObjectAsync(created))!["id"]!;
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("before", (string?)(await Json.ReadObjectAsync(await two.GetAsync($"api/stream/{id}")))!["name"]);
        }
        using (var patched = await one.PatchAsJsonAsync($"api/stream/{id}", new { name = "after" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, patched.StatusCode);
        }
        // The notice travels through Redis: allow it a moment, far less than the 30 s the copy would otherwise live.
        var name = "";
        await Poll.UntilAsync(async () =>
        {
            name = (string?)(await Json.ReadObjectAsync(await two.GetAsync($"api/stream/{id}")))!["name"] ?? "";
            return name == "after";
        }, 2, "node 2 to read the new name");
        Assert.Equal(HttpStatusCode.NoContent, (await one.DeleteAsync($"api/stream/{id}")).StatusCode);
        await Poll.UntilAsync(async () => (await two.GetAsync($"api/stream/{id}")).StatusCode == HttpStatusCode.NotFound, 2,
            "node 2 to answer 404 for the deleted stream");
    }

    [Fact]
    public async Task A_node_behind_the_balancer_takes_RTMP_from_it_only_with_a_PROXY_header_naming_the_publisher()
    {
        // The nodes trust 127.0.0.1 (the balancer) to name the publisher; a connection from there without the header
        // is closed before the handshake, and one with it is served.
        Assert.Equal(-1, await HandshakeAnswerAsync(0, []));
        Assert.Equal(-1, await HandshakeAnswerAsync(1, "PROXY TCP4 203.0.113.9 127.0.0.1 5000\r\n"u8.ToArray()));
        Assert.Equal(0x03, await HandshakeAnswerAsync(0, "PROXY TCP4 203.0.113.9 127.0.0.1 5000 1935\r\n"u8.ToArray()));
    }

    [Fact]
    public async Task Behind_the_balancer_the_viewer_is_the_one_the_balancer_saw_whatever_the_viewer_claims()
    {
        await using var receiver = new WebhookReceiver();
        var t = await Gw.NewTenantAsync();
        var hook = await t.CreateWebhookAsync(receiver.Url, ["playback.accessControl"]);
        var s = await t.CreateStreamAsync(new { name = "gated", playbackPolicy = new { type = "webhook", webhookId = (string)hook["id"]! } });
        var url = $"hls/{(string)s["playbackId"]!}/source/n0segment.ts";
        using var viaBalancer = Gw.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, url + "?accessKey=one");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7"); // the balancer replaces it with the address it saw
        await viaBalancer.SendAsync(request);
        var asked = Assert.Single(receiver.Deliveries);
        Assert.Equal("127.0.0.1", (string?)JsonNode.Parse(asked.Text)!["userIP"]);

        // A node takes the viewer's address from its trusted balancer's header (here 127.0.0.1, where this test runs).
        using var node = Node(0);
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, url + "?accessKey=two");
        forwarded.Headers.Add("X-Forwarded-For", "198.51.100.4");
        await node.SendAsync(forwarded);
        await receiver.WaitForAsync(2);
        Assert.Contains(receiver.Deliveries, d => (string?)JsonNode.Parse(d.Text)!["userIP"] == "198.51.100.4");
    }
}
