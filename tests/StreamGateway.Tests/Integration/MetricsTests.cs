using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// <c>/metrics</c> on the gateway and the orchestrators: Prometheus text for the operator only, that parses line by line
/// and moves while a stream is live (segments in, transcodes per orchestrator and outcome, tickets, renditions made).
/// It reads every devnet orchestrator, so it never runs beside the tests that stop one.
/// </summary>
[Collection(Transcoding.DevnetOrchestrators.Name)]
public sealed partial class MetricsTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    [Fact]
    public async Task Metrics_are_for_admins_only_and_parse_as_prometheus_text()
    {
        using var anonymous = await Gw.Client().GetAsync("metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        var tenant = await Gw.NewTenantAsync();
        using var notAdmin = await tenant.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);

        var samples = await GatewaySamplesAsync();
        Assert.Contains(samples, s => s.Name == "http_server_request_duration_seconds_bucket");
        Assert.Contains(samples, s => s.Name == "sg_jobs_enqueued" && s.Labels.Contains("queue=\"live\"", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name == "sg_jobs" && s.Labels.Contains("state=\"scheduled\"", StringComparison.Ordinal));
        Assert.Contains(samples, s => s.Name == "sg_live_publishers");
    }

    [Fact]
    public async Task Gateway_and_orchestrator_metrics_move_while_a_stream_is_live()
    {
        var before = await GatewaySamplesAsync();
        var orchestratorsBefore = await OrchestratorSumAsync("sgo_segments_total", "outcome=\"transcoded\"");

        var t = await Gw.NewTenantAsync();
        var stream = await t.CreateStreamAsync(new
        {
            name = "metered",
            profiles = new[] { new { name = "240p0", width = 426, height = 240, bitrate = 400_000, fps = 0 } },
        });
        await using (var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), seconds: 8, video: "320x240"))
        {
            var id = stream["id"]!.GetValue<string>();
            await Poll.UntilAsync(async () =>
            {
                var s = await Json.ReadObjectAsync(await t.Http.GetAsync($"api/stream/{id}"));
                return (long)s!["transcodedSegments"]! >= 2;
            }, 60, "two transcoded segments");
            var (exit, stderr) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, stderr);
        }

        var after = await GatewaySamplesAsync();
        Assert.True(Sum(after, "sg_live_segments_ingested_total") >= Sum(before, "sg_live_segments_ingested_total") + 2);
        Assert.True(Sum(after, "sg_segments_transcoded_total") >= Sum(before, "sg_segments_transcoded_total") + 2);
        Assert.True(Sum(after, "sg_transcode_attempts_total", "outcome=\"ok\"") >= Sum(before, "sg_transcode_attempts_total", "outcome=\"ok\"") + 2);
        Assert.True(Sum(after, "sg_transcode_duration_seconds_count") >= Sum(before, "sg_transcode_duration_seconds_count") + 2);
        Assert.True(Sum(after, "sg_tickets_sent_total") > Sum(before, "sg_tickets_sent_total"));
        Assert.True(Sum(after, "sg_store_write_duration_seconds_count") > Sum(before, "sg_store_write_duration_seconds_count"));
        // Every attempt names its orchestrator, one of the devnet's pool.
        Assert.All(after.Where(s => s.Name == "sg_transcode_attempts_total"), s => Assert.Matches("orchestrator=\"0x[0-9a-f]{40}\"", s.Labels));

        Assert.True(await OrchestratorSumAsync("sgo_segments_total", "outcome=\"transcoded\"") >= orchestratorsBefore + 2);
        Assert.True(await OrchestratorSumAsync("sgo_tickets_received_total", null) > 0);
    }

    [Fact]
    public async Task Orchestrator_metrics_need_the_operators_token()
    {
        using var insecure = Insecure(token: null);
        foreach (var uri in Orchestrators())
        {
            using var refused = await insecure.GetAsync($"{uri}/metrics");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        using var wrong = Insecure("not-the-token");
        using var wrongAnswer = await wrong.GetAsync($"{Orchestrators()[0]}/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongAnswer.StatusCode);
    }

    internal sealed record Sample(string Name, string Labels, double Value);

    internal static double Sum(IEnumerable<Sample> samples, string name, string? label = null) =>
        samples.Where(s => s.Name == name && (label is null || s.Labels.Contains(label, StringComparison.Ordinal))).Sum(s => s.Value);

    private static async Task<List<Sample>> GatewaySamplesAsync()
    {
        using var admin = Gw.Client(Gw.AdminKey);
        using var response = await admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        return Parse(await response.Content.ReadAsStringAsync());
    }

    /// <param name="only">The devnet orchestrator (1-3) to read; all of them when null.</param>
    internal static async Task<double> OrchestratorSumAsync(string name, string? label, int? only = null)
    {
        using var client = Insecure(Environment.GetEnvironmentVariable("SG_ORCH_ADMIN_TOKEN"));
        double total = 0;
        foreach (var uri in only is { } n ? [Orchestrators()[n - 1]] : Orchestrators())
        {
            using var response = await client.GetAsync($"{uri}/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            total += Sum(Parse(await response.Content.ReadAsStringAsync()), name, label);
        }
        return total;
    }

    /// <summary>
    /// The exposition format, strictly: <c># HELP</c> / <c># TYPE</c> / <c># EOF</c> comments, blank lines, and samples
    /// <c>name{labels} value [timestamp]</c>; anything else fails the test.
    /// </summary>
    internal static List<Sample> Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal) ||
                line == "# EOF")
            {
                continue;
            }
            var m = SampleLine().Match(line);
            Assert.True(m.Success, $"not a Prometheus sample line: {line}");
            var value = m.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(m.Groups["name"].Value, m.Groups["labels"].Value, value));
        }
        Assert.NotEmpty(samples);
        return samples;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*)\})? (?<value>[-+]?([0-9.eE+-]+|Inf|NaN))( -?[0-9]+)?$""")]
    private static partial Regex SampleLine();

    private static string[] Orchestrators() => Environment.GetEnvironmentVariable("SG_ORCHESTRATORS")!.Split(',');

    private static HttpClient Insecure(string? token)
    {
#pragma warning disable CA5359 // the orchestrators' self-signed certificates, as the gateway itself treats them
        var client = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
#pragma warning restore CA5359
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }
}
