using System.Net;
using System.Net.Http.Headers;

namespace StreamGateway.Tests.Integration.AccessControl;

/// <summary>CORS-enabled API keys (studio-api §1.5): usable from a browser at their origins, for what a browser app needs.</summary>
public sealed class CorsApiKeyTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    private static async Task<HttpClient> KeyAsync(Tenant t, bool fullAccess)
    {
        using var created = await t.Http.PostAsync("api/api-token", Json.Body(new
        {
            name = "browser",
            access = new { cors = new { allowedOrigins = new[] { "https://app.example" }, fullAccess } },
        }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = (await Json.ReadObjectAsync(created))!;
        Assert.Equal("https://app.example", (string?)body["access"]!["cors"]!["allowedOrigins"]![0]);
        var client = Gw.Client((string)body["key"]!);
        client.DefaultRequestHeaders.Add("Origin", "https://app.example");
        return client;
    }

    [Fact]
    public async Task A_restricted_browser_key_creates_and_reads_but_cannot_delete_and_answers_only_its_origins()
    {
        var t = await Gw.NewTenantAsync();
        using var browser = await KeyAsync(t, fullAccess: false);

        using (var created = await browser.PostAsync("api/stream", Json.Body(new { name = "from the browser" })))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("https://app.example", created.Headers.GetValues("Access-Control-Allow-Origin").Single());
            var id = (string)(await Json.ReadObjectAsync(created))!["id"]!;
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"api/stream/{id}")).StatusCode);
            using var delete = await browser.DeleteAsync($"api/stream/{id}");
            Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
            Assert.Equal("access forbidden for CORS-enabled API key with restricted access", (await Json.ErrorsAsync(delete))[0]);
            Assert.Equal(HttpStatusCode.OK, (await t.Http.GetAsync($"api/stream/{id}")).StatusCode); // still there
        }
        using (var list = await browser.GetAsync("api/stream"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        }
        using (var upload = await browser.PostAsync("api/asset/request-upload", Json.Body(new { name = "clip" })))
        {
            Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync("api/access-control/signing-key", null)).StatusCode);

        // Another origin is refused, whatever it asks.
        using var elsewhere = new HttpRequestMessage(HttpMethod.Post, "api/stream") { Content = Json.Body(new { name = "x" }) };
        elsewhere.Headers.Add("Origin", "https://evil.example");
        elsewhere.Headers.Authorization = browser.DefaultRequestHeaders.Authorization;
        using var refused = await Gw.Client().SendAsync(elsewhere);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("credential disallows CORS access from origin https://evil.example", (await Json.ErrorsAsync(refused))[0]);

        // Preflights carry no key and are answered for any path.
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "api/stream");
        preflight.Headers.Add("Origin", "https://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var answer = await Gw.Client().SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("https://app.example", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Authorization", answer.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_access_browser_key_may_delete_and_a_key_without_cors_gets_no_cors_headers()
    {
        var t = await Gw.NewTenantAsync();
        using var browser = await KeyAsync(t, fullAccess: true);
        var s = await t.CreateStreamAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await browser.DeleteAsync($"api/stream/{s["id"]}")).StatusCode);

        using var plain = new HttpRequestMessage(HttpMethod.Get, "api/stream");
        plain.Headers.Add("Origin", "https://app.example");
        plain.Headers.Authorization = new AuthenticationHeaderValue("Bearer", t.Key);
        using var answer = await Gw.Client().SendAsync(plain);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"), "a page elsewhere must not read what an ordinary key returns");

        using var bad = await t.Http.PostAsync("api/api-token", Json.Body(new { name = "b", access = new { cors = new { allowedOrigins = new[] { "not an origin" } } } }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
    }
}
