using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// The gateway that `./dev test` started, reached over HTTP, plus direct access to its PostgreSQL for creating
/// tenants. Each test makes its own tenant, so tests never see each other's data.
/// </summary>
public sealed class Gateway
{
    public static readonly Gateway Instance = new();

    public Uri BaseUrl { get; }
    public string AdminKey { get; }
    private readonly string _postgres;

    private Gateway()
    {
        BaseUrl = new Uri(Required("SG_BASE_URL").TrimEnd('/') + "/");
        AdminKey = Required("SG_ADMIN_KEY");
        _postgres = Required("SG_PG_URL");
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set: integration tests run against the services `./dev test` starts (run `./dev test`).");

    /// <summary>A viewer's URL under the suite's HLS base: the master playlist unless <paramref name="path"/> names another file.</summary>
    public static string HlsUrl(string playbackId, string path = "index.m3u8") =>
        $"{Environment.GetEnvironmentVariable("SG_HLS_URL")}/{playbackId}/{path}";

        public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        return client;
    }

    /// <summary>A scope factory whose scopes hand out <see cref="Db"/> contexts, for gateway parts that open their own.</summary>
    public IServiceScopeFactory Scopes() =>
        new Microsoft.Extensions.DependencyInjection.ServiceCollection()
            .AddScoped(_ => Db())
            .BuildServiceProvider()
            .GetRequiredService<IServiceScopeFactory>();

    public GatewayDbContext Db()
    {
        var options = new DbContextOptionsBuilder<GatewayDbContext>();
        DatabaseExtensions.Configure(options, _postgres);
        return new GatewayDbContext(options.Options);
    }

    /// <summary>A fresh user with its own project and API key.</summary>
    public async Task<Tenant> NewTenantAsync()
    {
        await using var db = Db();
        var admin = new AccountAdmin(db, TimeProvider.System);
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var issued = await admin.BootstrapAsync($"t-{suffix}@tests.local", "p-" + suffix, "test key", admin: false, CancellationToken.None);
        return new Tenant(issued.Key, issued.UserId, issued.ProjectId, Client(issued.Key));
    }
}

public sealed record Tenant(string Key, Guid UserId, Guid ProjectId, HttpClient Http)
{
    public async Task<JsonObject> CreateStreamAsync(object? body = null)
    {
        using var response = await Http.PostAsJsonAsync("api/stream", body ?? new { name = "stream " + Guid.NewGuid().ToString("N")[..6] });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await Json.ReadObjectAsync(response))!;
    }

    public async Task<JsonObject> CreateWebhookAsync(string url, string[] events, string? secret = null, string? streamId = null)
    {
        using var response = await Http.PostAsJsonAsync("api/webhook",
            new { name = "hook", url, events, sharedSecret = secret, streamId });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await Json.ReadObjectAsync(response))!;
    }

    /// <summary>The stream's one recorded session once its recording is ready (asserted) or failed (fails the test).</summary>
    public async Task<JsonObject> RecordedSessionAsync(JsonObject stream, int seconds = 120)
    {
        JsonObject session = [];
        await Poll.UntilAsync(async () =>
        {
            var sessions = await Json.ReadArrayAsync(await Http.GetAsync($"api/stream/{stream["id"]}/sessions?record=1"));
            session = sessions.Count == 1 ? sessions[0]!.AsObject() : [];
            return (string?)session["recordingStatus"] is "ready" or "failed";
        }, seconds, "the session's recording");
        Assert.True((string?)session["recordingStatus"] == "ready", session.ToJsonString());
        return session;
    }
}

public static class Json
{
    public static async Task<JsonObject?> ReadObjectAsync(HttpResponseMessage response)
    {
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType ?? "");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())?.AsObject();
    }

    public static async Task<JsonArray> ReadArrayAsync(HttpResponseMessage response)
    {
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType ?? "");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }

    /// <summary>The messages of a Studio error body, asserting its shape on the way.</summary>
    public static async Task<string[]> ErrorsAsync(HttpResponseMessage response)
    {
        var body = await ReadObjectAsync(response);
        var errors = body!["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToArray();
        Assert.NotEmpty(errors);
        return errors;
    }

    public static StringContent Raw(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A JSON request body, camelCase as the API reads it.</summary>
    public static JsonContent Body(object body) => JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static HttpRequestMessage Request(HttpMethod method, string path, object? body = null) =>
        new(method, path) { Content = body is null ? null : JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web)) };
}

public static class Poll
{
    /// <summary>Checks <paramref name="condition"/> twice a second until it holds; fails the test after <paramref name="seconds"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, int seconds, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (await condition())
            {
                return;
            }
            await Task.Delay(500);
        }
        Assert.Fail($"timed out after {seconds} s waiting for {what}");
    }
}
