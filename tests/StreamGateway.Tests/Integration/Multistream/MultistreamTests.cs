using System.Net;
using System.Text.Json.Nodes;

namespace StreamGateway.Tests.Integration.Multistream;

public sealed class MultistreamTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    private static async Task<JsonObject> NewTargetAsync(Tenant t, string url, string? name = null)
    {
        using var created = await t.Http.PostAsync("api/multistream/target", Json.Body(new { url, name }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await Json.ReadObjectAsync(created))!;
    }

    private static string[] Events(WebhookReceiver hooks, string targetId) =>
        [.. hooks.Deliveries.Select(d => JsonNode.Parse(d.Text)!)
            .Where(e => (string?)e["payload"]?["target"]?["id"] == targetId)
            .OrderBy(e => (long)e["createdAt"]!)
            .Select(e => (string)e["event"]!)];

    private static async Task WaitForEventAsync(WebhookReceiver hooks, string targetId, string eventName, int count, int seconds = 30) =>
        await Poll.UntilAsync(() => Task.FromResult(Events(hooks, targetId).Count(e => e == eventName) >= count), seconds,
            $"{count} × {eventName} for target {targetId}");

    [Fact]
    public async Task Targets_are_kept_per_project_with_write_only_urls_and_streams_name_them_or_define_them()
    {
        var t = await Gw.NewTenantAsync();
        var other = await Gw.NewTenantAsync();
        var target = await NewTargetAsync(t, "rtmp://live.example.com/app/secret-key", "youtube");
        var id = (string)target["id"]!;
        Assert.False(target.ContainsKey("url"));
        Assert.Equal("youtube", (string?)target["name"]);
        Assert.False((bool)target["disabled"]!);

        Assert.Equal([id], (await Json.ReadArrayAsync(await t.Http.GetAsync("api/multistream/target"))).Select(x => (string)x!["id"]!));
        Assert.Empty(await Json.ReadArrayAsync(await other.Http.GetAsync("api/multistream/target")));
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"api/multistream/target/{id}")).StatusCode);
        using (var patch = await t.Http.PatchAsync($"api/multistream/target/{id}", Json.Body(new { url = "rtmps://live.example.com/app/k2", disabled = true })))
        {
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        }
        var got = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/multistream/target/{id}")))!;
        Assert.True((bool)got["disabled"]!);
        Assert.DoesNotContain("example.com", got.ToJsonString(), StringComparison.Ordinal);

        foreach (var bad in new[] { "http://example.com/live", "rtmp://", "file:///etc/passwd", "" })
        {
            using var refused = await t.Http.PostAsync("api/multistream/target", Json.Body(new { url = bad }));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        }

        // A stream names a target by id or defines one inline (which becomes a target of the project).
        var s = await t.CreateStreamAsync(new
        {
            name = "restreamed",
            multistream = new { targets = new object[]
            {
                new { profile = "720p0", id },
                new { profile = "source", videoOnly = true, spec = new { name = "twitch", url = "rtmp://live.twitch.example/app/key" } },
            } },
        });
        var refs = s["multistream"]!["targets"]!.AsArray();
        Assert.Equal(id, (string?)refs[0]!["id"]);
        var inlineId = (string)refs[1]!["id"]!;
        Assert.False(refs[1]!.AsObject().ContainsKey("spec"));
        Assert.Equal("twitch", (string?)(await Json.ReadObjectAsync(await t.Http.GetAsync($"api/multistream/target/{inlineId}")))!["name"]);

        // Unknown or another project's target ids are 400; a profile the stream lacks, or too many targets, 422.
        var foreign = (string)(await NewTargetAsync(other, "srt://127.0.0.1:9000"))["id"]!;
        foreach (var (targets, status) in new (object[], HttpStatusCode)[]
        {
            ([new { profile = "source", id = Guid.NewGuid().ToString() }], HttpStatusCode.BadRequest),
            ([new { profile = "source", id = foreign }], HttpStatusCode.BadRequest),
            ([new { profile = "1080p9", id }], HttpStatusCode.UnprocessableEntity),
            ([new { profile = "source", id, spec = new { url = "rtmp://a.example/x" } }], HttpStatusCode.BadRequest),
            ([.. Enumerable.Range(0, 11).Select(_ => new { profile = "source", id })], HttpStatusCode.UnprocessableEntity),
        })
        {
            using var refused = await t.Http.PostAsync("api/stream", Json.Body(new { name = "x", multistream = new { targets } }));
            Assert.True(status == refused.StatusCode, $"{(int)refused.StatusCode} {await refused.Content.ReadAsStringAsync()}");
        }

        // Added to and removed from a stream one at a time.
        var added = (string)(await NewTargetAsync(t, "srt://127.0.0.1:9001"))["id"]!;
        using (var add = await t.Http.PostAsync($"api/stream/{s["id"]}/create-multistream-target", Json.Body(new { profile = "source", id = added })))
        {
            Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await t.Http.DeleteAsync($"api/stream/{s["id"]}/multistream/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await t.Http.DeleteAsync($"api/stream/{s["id"]}/multistream/{id}")).StatusCode);
        var after = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/stream/{s["id"]}")))!;
        Assert.Equal([inlineId, added], after["multistream"]!["targets"]!.AsArray().Select(x => (string)x!["id"]!));

        Assert.Equal(HttpStatusCode.NoContent, (await t.Http.DeleteAsync($"api/multistream/target/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await t.Http.GetAsync($"api/multistream/target/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_live_stream_pushes_each_target_its_rendition_and_a_dropped_target_gets_it_again()
    {
        await using var hooks = new WebhookReceiver();
        await using var rtmp = Receiver.Rtmp();
        await using var srt = Receiver.Srt();
        var t = await Gw.NewTenantAsync();
        await t.CreateWebhookAsync(hooks.Url, ["multistream.connected", "multistream.disconnected", "multistream.error"]);
        var srtTarget = (string)(await NewTargetAsync(t, srt.Url, "srt receiver"))["id"]!;
        var s = await t.CreateStreamAsync(new
        {
            name = "two targets",
            profiles = new[] { new { name = "240p0", width = 426, height = 240, bitrate = 300_000, fps = 0 } },
            multistream = new { targets = new object[]
            {
                new { profile = "240p0", spec = new { name = "rtmp receiver", url = rtmp.Url } },
                new { profile = "source", videoOnly = true, id = srtTarget },
            } },
        });
        var rtmpTarget = (string)s["multistream"]!["targets"]![0]!["id"]!;

        await using (var broadcaster = Broadcaster.Start((string)s["streamKey"]!, seconds: 26, video: "640x360"))
        {
            await WaitForEventAsync(hooks, rtmpTarget, "multistream.connected", 1);
            await WaitForEventAsync(hooks, srtTarget, "multistream.connected", 1);

            // The RTMP receiver goes away and comes back: the push finds it again, and the other target never notices.
            await rtmp.KillAsync();
            await WaitForEventAsync(hooks, rtmpTarget, "multistream.disconnected", 1);
            await Task.Delay(2000);
            rtmp.Started();
            await WaitForEventAsync(hooks, rtmpTarget, "multistream.connected", 2);

            var session = (await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{s["id"]}/sessions")))[0]!;
            var pushes = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/session/{session["id"]}")))!["multistream"]!.AsArray();
            Assert.Equal(2, pushes.Count);
            Assert.All(pushes, p => Assert.True((long)p!["bytesSent"]! > 0, p!.ToJsonString()));
            Assert.DoesNotContain("127.0.0.1", pushes.ToJsonString(), StringComparison.Ordinal);
            var (exit, stderr) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, stderr);
        }

        var (w, h, rtmpSeconds) = await rtmp.ReceivedAsync();
        Assert.Equal((426, 240), (w, h));
        var (sw, sh, srtSeconds) = await srt.ReceivedAsync();
        Assert.Equal((640, 360), (sw, sh));
        var published = 0.0;
        await Poll.UntilAsync(async () =>
        {
            var session = (await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{s["id"]}/sessions")))[0]!;
            published = (double)session["sourceSegmentsDuration"]!;
            return published >= 20;
        }, 20, "the session's duration");
        Assert.InRange(srtSeconds, published - 2.5, published + 2.5);
        Assert.True(rtmpSeconds > 4, $"the RTMP receiver's second run got {rtmpSeconds} s");
        var (_, audio, _) = await Viewer.RunAsync("ffprobe", "-v", "error", "-select_streams", "a", "-show_entries", "stream=index", "-of", "csv=p=0", srt.Files[^1]);
        Assert.Equal("", audio.Trim()); // videoOnly

        await WaitForEventAsync(hooks, srtTarget, "multistream.disconnected", 1);
        var story = Events(hooks, rtmpTarget);
        Assert.Equal(["multistream.connected", "multistream.disconnected"], story[..2]);
        Assert.Equal("multistream.connected", story.Skip(2).First(e => e != "multistream.error"));
        var hook = JsonNode.Parse(hooks.Deliveries.First(d => d.Text.Contains("multistream.connected", StringComparison.Ordinal)).Text)!;
        Assert.NotNull(hook["payload"]!["sessionId"]);
        Assert.NotNull(hook["payload"]!["target"]!["profile"]);
    }

    [Fact]
    public async Task Targets_added_to_a_live_stream_start_a_refusing_one_errors_and_a_removed_one_stops_while_the_other_goes_on()
    {
        await using var hooks = new WebhookReceiver();
        await using var kept = Receiver.Rtmp();
        await using var added = Receiver.Rtmp();
        var t = await Gw.NewTenantAsync();
        await t.CreateWebhookAsync(hooks.Url, ["multistream.connected", "multistream.disconnected", "multistream.error"]);
        var keptId = (string)(await NewTargetAsync(t, kept.Url, "kept"))["id"]!;
        var addedId = (string)(await NewTargetAsync(t, added.Url, "added"))["id"]!;
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var closedPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now: the target refuses
        var refusingId = (string)(await NewTargetAsync(t, $"rtmp://127.0.0.1:{closedPort}/live/x", "refusing"))["id"]!;
        var s = await t.CreateStreamAsync(new
        {
            name = "targets come and go",
            profiles = Array.Empty<object>(),
            multistream = new { targets = new[] { new { profile = "source", id = keptId } } },
        });
        await using (var broadcaster = Broadcaster.Start((string)s["streamKey"]!, seconds: 20, video: "320x240"))
        {
            await WaitForEventAsync(hooks, keptId, "multistream.connected", 1);
            foreach (var id in new[] { addedId, refusingId })
            {
                using var add = await t.Http.PostAsync($"api/stream/{s["id"]}/create-multistream-target", Json.Body(new { profile = "source", id }));
                Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);
            }
            await WaitForEventAsync(hooks, addedId, "multistream.connected", 1, seconds: 15);
            await WaitForEventAsync(hooks, refusingId, "multistream.error", 1, seconds: 15);
            var error = JsonNode.Parse(hooks.Deliveries.First(d => d.Text.Contains("multistream.error", StringComparison.Ordinal)).Text)!;
            Assert.DoesNotContain($"{closedPort}", (string?)error["payload"]!["error"] ?? "", StringComparison.Ordinal);

            Assert.Equal(HttpStatusCode.NoContent, (await t.Http.DeleteAsync($"api/stream/{s["id"]}/multistream/{addedId}")).StatusCode);
            await WaitForEventAsync(hooks, addedId, "multistream.disconnected", 1, seconds: 10);
            var (_, _, cut) = await added.ReceivedAsync(seconds: 10);
            Assert.True(cut < 15, $"the removed target got {cut} s");
            Assert.False(broadcaster.HasExited);
            var (exit, stderr) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, stderr);
        }
        var (_, _, whole) = await kept.ReceivedAsync();
        Assert.True(whole > 17, $"the kept target got {whole} s of 20");
        Assert.DoesNotContain("multistream.error", Events(hooks, keptId));
    }
}
