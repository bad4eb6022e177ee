using System.Net;
using System.Net.Http.Headers;

namespace StreamGateway.Tests.Integration;

public sealed class PlatformTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    [Fact]
    public async Task Served_openapi_document_equals_the_published_openapi_yaml()
    {
        var path = Environment.GetEnvironmentVariable("SG_OPENAPI_FILE")
            ?? throw new InvalidOperationException("SG_OPENAPI_FILE is not set (run ./dev test)");
        using var client = Gw.Client();
        var served = await client.GetStringAsync("openapi/v1.yaml");
        var published = await File.ReadAllTextAsync(path);
        Assert.True(Normalise(served) == Normalise(published),
            "openapi.yaml differs from what the gateway serves; run `./dev openapi` and commit the result");
        Assert.Contains("/api/stream", served);
        Assert.Contains("/api/webhook/{id}/log/{logId}/resend", served);
    }

    private static string Normalise(string text) => text.Replace("\r\n", "\n").TrimEnd();

    [Fact]
    public async Task Healthz_reports_postgres_and_redis()
    {
        using var client = Gw.Client();
        using var response = await client.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await Json.ReadObjectAsync(response))!;
        Assert.Equal("healthy", (string?)body["status"]);
        Assert.Equal("healthy", (string?)body["checks"]!["postgres"]!["status"]);
        Assert.Equal("healthy", (string?)body["checks"]!["redis"]!["status"]);
    }

    [Fact]
    public async Task Docs_are_served_and_the_job_dashboard_is_admin_only()
    {
        using var client = Gw.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("docs/index.html")).StatusCode);

        using var anonymous = await client.GetAsync("hangfire");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var tenant = await Gw.NewTenantAsync();
        using var notAdmin = new HttpRequestMessage(HttpMethod.Get, "hangfire");
        notAdmin.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tenant.Key);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(notAdmin)).StatusCode);

        using var admin = new HttpRequestMessage(HttpMethod.Get, "hangfire");
        admin.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("admin:" + Gw.AdminKey)));
        using var ok = await client.SendAsync(admin);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("Hangfire Dashboard", await ok.Content.ReadAsStringAsync());
    }
}
