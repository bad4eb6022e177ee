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

        // A browser sends the admin's Basic credentials with any request to this host, whichever site started it:
        // requests another site started are refused, and a dashboard action without the form's token does nothing.
        foreach (var (header, value) in new[] { ("Sec-Fetch-Site", "cross-site"), ("Origin", "https://evil.example") })
        {
            using var forged = new HttpRequestMessage(HttpMethod.Get, "hangfire");
            forged.Headers.Authorization = admin.Headers.Authorization;
            forged.Headers.Add(header, value);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(forged)).StatusCode);
        }
        using var action = new HttpRequestMessage(HttpMethod.Post, "hangfire/recurring/trigger")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", "webhook-outbox-sweep")]),
        };
        action.Headers.Authorization = admin.Headers.Authorization;
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(action)).StatusCode);
    }

    [Fact]
    public async Task A_production_gateway_without_a_public_url_refuses_to_start()
    {
        // Otherwise the URLs it hands out and stores would be built from whatever Host header a client sends.
        using var gateway = GatewayProcess.Start(GatewayProcess.Dll(), new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:18097",
            ["ConnectionStrings__Postgres"] = Environment.GetEnvironmentVariable("SG_PG_URL")!.Trim('\''),
            ["ConnectionStrings__Redis"] = Environment.GetEnvironmentVariable("SG_REDIS_URL")!.Trim('\'') + ",defaultDatabase=6",
            ["Ingest__Enabled"] = "false",
            ["Gateway__RunJobs"] = "false",
        });
        var output = gateway.StandardOutput.ReadToEndAsync();
        var errors = gateway.StandardError.ReadToEndAsync();
        if (!gateway.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            gateway.Kill(entireProcessTree: true);
            Assert.Fail("the gateway started without Gateway:PublicBaseUrl in production");
        }
        Assert.NotEqual(0, gateway.ExitCode);
        Assert.Contains("Gateway:PublicBaseUrl must be set", await output + await errors, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // ./dev runs on Linux
    public async Task The_dev_database_asks_for_a_password_and_the_dev_env_file_is_private()
    {
        var settings = new Npgsql.NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("SG_PG_URL")!.Trim('\''));
        Assert.False(string.IsNullOrEmpty(settings.Password));
        settings.Password = "not-the-password";
        await using var wrong = new Npgsql.NpgsqlConnection(settings.ConnectionString);
        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => wrong.OpenAsync());
        Assert.Equal("28P01", refused.SqlState); // invalid_password
        var env = Path.Combine(Environment.GetEnvironmentVariable("SG_STATE_DIR")!, "env");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(env));
    }

    [Fact]
    public async Task A_node_serves_only_its_roles_and_an_unknown_role_stops_it_at_start()
    {
        using (var bad = GatewayProcess.Start(GatewayProcess.Dll(), new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:18087",
            ["ConnectionStrings__Postgres"] = Environment.GetEnvironmentVariable("SG_PG_URL")!.Trim('\''),
            ["ConnectionStrings__Redis"] = Environment.GetEnvironmentVariable("SG_REDIS_URL")!.Trim('\'') + ",defaultDatabase=13",
            ["Gateway__Roles"] = "api,transcoder",
        }))
        {
            var output = bad.StandardOutput.ReadToEndAsync();
            var errors = bad.StandardError.ReadToEndAsync();
            Assert.True(bad.WaitForExit(TimeSpan.FromSeconds(60)), "a gateway with an unknown role started");
            Assert.NotEqual(0, bad.ExitCode);
            Assert.Contains("unknown role 'transcoder'", await output + await errors, StringComparison.Ordinal);
        }

        // A worker: healthy, but no API, no playback and no RTMP listener.
        await using (var worker = await Transcoding.SecondGateway.StartAsync(18088, 11943, redisDatabase: 13,
                         new Dictionary<string, string> { ["Gateway__Roles"] = "worker" }))
        {
            using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:18088/") };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await worker.NewApiKeyAsync());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("api/stream")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("hls/abc/index.m3u8")).StatusCode);
            using var rtmp = new System.Net.Sockets.TcpClient();
            await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => rtmp.ConnectAsync("127.0.0.1", 11943));
        }

        // An API node without ingest: the API answers, RTMP does not.
        await using (var api = await Transcoding.SecondGateway.StartAsync(18088, 11943, redisDatabase: 13,
                         new Dictionary<string, string> { ["Gateway__Roles"] = "api" }))
        {
            using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:18088/") };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await api.NewApiKeyAsync());
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/stream")).StatusCode);
            using var rtmp = new System.Net.Sockets.TcpClient();
            await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => rtmp.ConnectAsync("127.0.0.1", 11943));
        }
    }
}
