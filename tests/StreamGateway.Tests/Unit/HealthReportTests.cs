using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StreamGateway.Core.Health;

namespace StreamGateway.Tests.Unit;

public sealed class HealthReportTests
{
    [Fact]
    public void Healthz_names_the_failed_check_but_never_its_exception()
    {
        var secret = new InvalidOperationException("UnableToConnect on redis.internal:6379/Interactive, password=hunter2");
        var report = new HealthReport(new Dictionary<string, HealthReportEntry>
        {
            ["postgres"] = new(HealthStatus.Unhealthy, "cannot connect", TimeSpan.Zero, null, null),
            ["redis"] = new(HealthStatus.Unhealthy, secret.Message, TimeSpan.Zero, secret, null),
        }, TimeSpan.Zero);
        var body = JsonSerializer.Serialize(HealthExtensions.Describe(report));
        Assert.Contains("\"status\":\"unhealthy\"", body, StringComparison.Ordinal);
        Assert.Contains("cannot connect", body, StringComparison.Ordinal);
        Assert.Contains("redis is unreachable", body, StringComparison.Ordinal);
        Assert.DoesNotContain("redis.internal", body, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
    }
}
