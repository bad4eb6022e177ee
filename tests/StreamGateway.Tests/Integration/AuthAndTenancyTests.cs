using System.Net;
using System.Net.Http.Json;

namespace StreamGateway.Tests.Integration;

public sealed class AuthAndTenancyTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    [Theory]
    [InlineData(null, "request is not authenticated")]
    [InlineData("Bearer sgk_0000000000000000000000000000000000000000000000000", "no API key matches the given token")]
    [InlineData("Basic dXNlcjpwYXNz", "unsupported authorization header scheme")]
    public async Task Missing_or_unknown_keys_are_401_in_studio_shape(string? header, string message)
    {
        using var client = Gw.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/stream");
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var errors = await Json.ErrorsAsync(response);
        Assert.Equal([message], errors);
        Assert.DoesNotContain("sgk_", errors[0]); // the key is never echoed
    }

    [Fact]
    public async Task Another_projects_ids_answer_404_on_every_endpoint()
    {
        var owner = await Gw.NewTenantAsync();
        var other = await Gw.NewTenantAsync();
        var stream = (string)(await owner.CreateStreamAsync())["id"]!;
        var webhook = (string)(await owner.CreateWebhookAsync("http://127.0.0.1:9/x", ["stream.started"]))["id"]!;
        var token = (string)(await Json.ReadObjectAsync(await owner.Http.PostAsJsonAsync("api/api-token", new { name = "second" })))!["id"]!;
        var fakeLog = Guid.NewGuid();

        var probes = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, $"api/stream/{stream}", null),
            (HttpMethod.Patch, $"api/stream/{stream}", new { name = "stolen" }),
            (HttpMethod.Delete, $"api/stream/{stream}/terminate", null),
            (HttpMethod.Delete, $"api/stream/{stream}", null),
            (HttpMethod.Get, $"api/webhook/{webhook}", null),
            (HttpMethod.Put, $"api/webhook/{webhook}", new { name = "stolen", url = "http://127.0.0.1:9/y", events = new[] { "stream.idle" } }),
            (HttpMethod.Get, $"api/webhook/{webhook}/log", null),
            (HttpMethod.Get, $"api/webhook/{webhook}/log/{fakeLog}", null),
            (HttpMethod.Post, $"api/webhook/{webhook}/log/{fakeLog}/resend", null),
            (HttpMethod.Delete, $"api/webhook/{webhook}", null),
            (HttpMethod.Get, $"api/api-token/{token}", null),
            (HttpMethod.Delete, $"api/api-token/{token}", null),
        };
        foreach (var (method, path, body) in probes)
        {
            using var response = await other.Http.SendAsync(Json.Request(method, path, body));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} → {(int)response.StatusCode}");
            Assert.Equal(["not found"], await Json.ErrorsAsync(response));
        }

        // The owner's resources are untouched and invisible in the other project's lists.
        var mine = (await Json.ReadObjectAsync(await owner.Http.GetAsync($"api/stream/{stream}")))!;
        Assert.NotEqual("stolen", (string?)mine["name"]);
        Assert.Equal(HttpStatusCode.OK, (await owner.Http.GetAsync($"api/webhook/{webhook}")).StatusCode);
        Assert.Empty(await Json.ReadArrayAsync(await other.Http.GetAsync("api/stream")));
        Assert.Empty(await Json.ReadArrayAsync(await other.Http.GetAsync("api/webhook")));

        // A webhook may not point at another project's stream.
        using var cross = await other.Http.PostAsJsonAsync("api/webhook", new { name = "x", url = "http://127.0.0.1:9/", events = new[] { "stream.started" }, streamId = stream });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, cross.StatusCode);
    }

    [Fact]
    public async Task A_stream_read_and_cached_for_its_owner_is_still_404_for_another_project_and_fresh_after_each_change()
    {
        var owner = await Gw.NewTenantAsync();
        var other = await Gw.NewTenantAsync();
        var id = (string)(await owner.CreateStreamAsync(new { name = "cached" }))["id"]!;
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("cached", (string?)(await Json.ReadObjectAsync(await owner.Http.GetAsync($"api/stream/{id}")))!["name"]);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"api/stream/{id}")).StatusCode);

        // ./dev test keeps answers 30 s: a change must reach the next read at once, through the cache's write notice.
        using (var patched = await owner.Http.PatchAsJsonAsync($"api/stream/{id}", new { name = "renamed", suspended = true }))
        {
            Assert.Equal(HttpStatusCode.NoContent, patched.StatusCode);
        }
        var after = (await Json.ReadObjectAsync(await owner.Http.GetAsync($"api/stream/{id}")))!;
        Assert.Equal("renamed", (string?)after["name"]);
        Assert.True((bool)after["suspended"]!);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"api/stream/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.Http.GetAsync($"api/stream/{id}")).StatusCode);
    }

    [Fact]
    public async Task Api_tokens_are_created_once_listed_without_secret_and_deleted()
    {
        var t = await Gw.NewTenantAsync();
        using var create = await t.Http.PostAsJsonAsync("api/api-token", new { name = "ci" });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var created = (await Json.ReadObjectAsync(create))!;
        var key = (string)created["key"]!;
        Assert.StartsWith("sgk_", key);

        using var second = Gw.Client(key);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("api/stream")).StatusCode);

        var list = await Json.ReadArrayAsync(await t.Http.GetAsync("api/api-token"));
        Assert.Equal(2, list.Count);
        Assert.All(list, x => Assert.False(x!.AsObject().ContainsKey("key")));
        Assert.DoesNotContain(key, list.ToJsonString());

        using var delete = await t.Http.DeleteAsync($"api/api-token/{created["id"]}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var revoked = await second.GetAsync("api/stream");
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);

        // Keys are stored only as a SHA-256 hash and an 8-character prefix.
        await using var db = Gw.Db();
        var stored = db.ApiTokens.Single(x => x.UserId == t.UserId);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(t.Key)), stored.KeyHash);
        Assert.Equal(t.Key[..8], stored.KeyPrefix);
    }
}
