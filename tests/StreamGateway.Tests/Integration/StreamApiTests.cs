using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace StreamGateway.Tests.Integration;

public sealed class StreamApiTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    [Fact]
    public async Task Ingest_points_name_where_encoders_push_and_viewers_play_without_a_key()
    {
        using var http = Gw.Client();
        var points = await Json.ReadArrayAsync(await http.GetAsync("api/ingest"));
        var point = points.Single()!;
        Assert.Equal(Environment.GetEnvironmentVariable("SG_RTMP_URL"), (string)point["ingest"]!);
        Assert.Equal(Environment.GetEnvironmentVariable("SG_HLS_URL"), (string)point["playback"]!);
        Assert.Equal(Gw.BaseUrl.ToString().TrimEnd('/'), (string)point["base"]!);
    }

    [Fact]
    public async Task Create_returns_201_with_studio_shape_and_default_profiles()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync(new
        {
            name = "launch",
            record = true,
            userTags = new { team = "video", n = 3, list = new object[] { "a", 1 } },
            playbackPolicy = new { type = "public" },
            creatorId = "alice",
            multistream = new { targets = new[] { new { profile = "720p0", spec = new { name = "yt", url = "rtmp://live.example.com/app/key" } } } },
        });

        Assert.Equal("launch", (string?)s["name"]);
        Assert.True((bool)s["record"]!);
        Assert.Equal(3, (int)s["userTags"]!["n"]!);
        Assert.Equal("public", (string?)s["playbackPolicy"]!["type"]);
        Assert.Equal("unverified", (string?)s["creatorId"]!["type"]);
        Assert.Equal("alice", (string?)s["creatorId"]!["value"]);
        Assert.Equal(["240p0", "360p0", "480p0", "720p0"], s["profiles"]!.AsArray().Select(p => (string)p!["name"]!));
        Assert.Equal(t.ProjectId.ToString(), (string?)s["projectId"]);

        var id = (string)s["id"]!;
        Assert.Matches("^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$", (string)s["streamKey"]!);
        Assert.Matches("^[0-9a-z]{16}$", (string)s["playbackId"]!);
        Assert.StartsWith(id[..4], (string)s["streamKey"]!);

        // Studio's default fields are present; nullable lastTerminatedAt is null, optional ones are absent, not null.
        Assert.Equal(0, (long)s["lastSeen"]!);
        Assert.False((bool)s["isActive"]!);
        Assert.True(s.ContainsKey("lastTerminatedAt") && s["lastTerminatedAt"] is null);
        Assert.False(s.ContainsKey("ingestRate"));
        Assert.False(s.ContainsKey("parentId"));
        Assert.InRange((long)s["createdAt"]!, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(),
            DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds());

        // Multistream targets come back as {profile, videoOnly, id}; the target URL is write-only.
        var target = s["multistream"]!["targets"]![0]!.AsObject();
        Assert.Equal("720p0", (string?)target["profile"]);
        Assert.False((bool)target["videoOnly"]!);
        Assert.NotNull((string?)target["id"]);
        Assert.DoesNotContain("live.example.com", s.ToJsonString());
    }

    [Fact]
    public async Task Get_patch_list_delete_and_terminate_follow_studio_codes()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync(new { name = "first", profiles = new[] { new { name = "low", width = 640, height = 360, bitrate = 600_000, fps = 30 } } });
        var id = (string)s["id"]!;

        using (var get = await t.Http.GetAsync($"api/stream/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("low", (string?)(await Json.ReadObjectAsync(get))!["profiles"]![0]!["name"]);
        }

        using (var patch = await t.Http.PatchAsJsonAsync($"api/stream/{id}", new { name = "renamed", suspended = true, userTags = new { k = "v" } }))
        {
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        }
        var after = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/stream/{id}")))!;
        Assert.Equal("renamed", (string?)after["name"]);
        Assert.True((bool)after["suspended"]!);
        Assert.Equal("v", (string?)after["userTags"]!["k"]);
        Assert.Equal("low", (string?)after["profiles"]![0]!["name"]); // untouched by the patch

        using (var empty = await t.Http.PatchAsJsonAsync($"api/stream/{id}", new { }))
        {
            Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
        }

        using (var terminate = await t.Http.DeleteAsync($"api/stream/{id}/terminate"))
        {
            Assert.Equal(HttpStatusCode.NoContent, terminate.StatusCode);
        }
        var terminated = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/stream/{id}")))!;
        Assert.True((long)terminated["lastTerminatedAt"]! > 0);
        using (var again = await t.Http.DeleteAsync($"api/stream/{id}/terminate"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        }

        var list = await Json.ReadArrayAsync(await t.Http.GetAsync("api/stream?streamsonly=1"));
        Assert.Contains(list, x => (string?)x!["id"] == id);

        using (var delete = await t.Http.DeleteAsync($"api/stream/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        using (var gone = await t.Http.GetAsync($"api/stream/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal(["not found"], await Json.ErrorsAsync(gone));
        }
        var listAfter = await Json.ReadArrayAsync(await t.Http.GetAsync("api/stream"));
        Assert.DoesNotContain(listAfter, x => (string?)x!["id"] == id);
    }

    [Fact]
    public async Task Lists_page_with_limit_cursor_and_link_header()
    {
        var t = await Gw.NewTenantAsync();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((string)(await t.CreateStreamAsync(new { name = $"s{i}" }))["id"]!);
        }

        var seen = new List<string>();
        var next = "api/stream?limit=2";
        var pages = 0;
        while (next is not null)
        {
            using var response = await t.Http.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await Json.ReadArrayAsync(response);
            Assert.True(page.Count <= 2);
            seen.AddRange(page.Select(p => (string)p!["id"]!));
            next = response.Headers.TryGetValues("Link", out var links)
                ? System.Text.RegularExpressions.Regex.Match(links.Single(), "^<([^>]+)>; rel=\"next\"$").Groups[1].Value
                : null;
            pages++;
            Assert.True(pages < 10, "paging did not end");
        }
        created.Reverse(); // newest first
        Assert.Equal(created, seen);

        using var bad = await t.Http.GetAsync("api/stream?cursor=garbage");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var capped = await t.Http.GetAsync("api/stream?limit=5000");
        Assert.Equal(HttpStatusCode.OK, capped.StatusCode);
    }

    [Fact]
    public async Task Playback_policy_null_clears_it_and_bad_policy_is_rejected()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync(new { name = "p", playbackPolicy = new { type = "jwt" } });
        var id = (string)s["id"]!;
        using (var clear = await t.Http.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"api/stream/{id}") { Content = Json.Raw("{\"playbackPolicy\":null}") }))
        {
            Assert.Equal(HttpStatusCode.NoContent, clear.StatusCode);
        }
        var after = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/stream/{id}")))!;
        Assert.False(after.ContainsKey("playbackPolicy"));

        using var bad = await t.Http.PostAsJsonAsync("api/stream", new { name = "p", playbackPolicy = new { type = "webhook", webhookId = Guid.NewGuid() } });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains(await Json.ErrorsAsync(bad), e => e.StartsWith("playbackPolicy.webhookId", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Admin_routes_need_an_admin_key()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync();
        var key = (string)s["streamKey"]!;

        using (var denied = await t.Http.GetAsync($"api/stream/key/{key}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }
        using var admin = Gw.Client(Gw.AdminKey);
        using (var found = await admin.GetAsync($"api/stream/key/{key}"))
        {
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            Assert.Equal((string?)s["id"], (string?)(await Json.ReadObjectAsync(found))!["id"]);
        }
        using (var missing = await admin.GetAsync("api/stream/key/zzzz-zzzz-zzzz-zzzz"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
    }
}
