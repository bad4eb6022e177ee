using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Health;

/// <summary>
/// <c>/healthz</c> checks PostgreSQL and Redis and says which failed, never how (it answers anyone); <c>/livez</c> only
/// says the process answers.
/// </summary>
public static class HealthExtensions
{
    public static IServiceCollection AddGatewayHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres")
            .AddCheck<RedisHealthCheck>("redis");
        return services;
    }

    public static WebApplication MapGatewayHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteAsync }).ExcludeFromDescription();
        app.MapGet("/livez", () => TypedResults.Text("ok")).ExcludeFromDescription();
        return app;
    }

    private static Task WriteAsync(HttpContext http, HealthReport report) => http.Response.WriteAsJsonAsync(Describe(report));

    /// <summary>The body of <c>/healthz</c>: each check's status, and for a failed one our words for it, never its exception.</summary>
    public static object Describe(HealthReport report) => new
    {
        status = report.Status.ToString().ToLowerInvariant(),
        checks = report.Entries.ToDictionary(e => e.Key, e => new
        {
            status = e.Value.Status.ToString().ToLowerInvariant(),
            error = e.Value.Status == HealthStatus.Healthy ? null
                : e.Value.Exception is null && e.Value.Description is { } said ? said : $"{e.Key} is unreachable",
        }),
    };

    private sealed class PostgresHealthCheck(GatewayDbContext db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
            await db.Database.CanConnectAsync(ct) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("cannot connect");
    }

    private sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                await redis.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy();
            }
            catch (RedisException e)
            {
                return HealthCheckResult.Unhealthy("ping failed", e); // the exception goes to the log, not to the caller
            }
        }
    }
}
