using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using StreamGateway.Core.Accounts;

namespace StreamGateway.Core.Health;

/// <summary>Operator metrics at <c>/metrics</c> (section <c>Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A port this node already listens on (one of <c>ASPNETCORE_URLS</c>, kept off the public network) where
    /// <c>/metrics</c> answers without a key; no other port serves it then. Unset: <c>/metrics</c> is on the API's
    /// port and needs an admin API key as a bearer token.
    /// </summary>
    [Range(1, 65535)]
    public int? Port { get; set; }
}

/// <summary>
/// Prometheus text at <c>/metrics</c> through OpenTelemetry: the gateway's instruments (<see cref="GatewayMetrics"/>),
/// ASP.NET Core's HTTP server and Kestrel, the .NET runtime and outgoing HTTP. Every node serves its own, whatever
/// its roles; a scraper asks each node.
/// </summary>
public static class MetricsExtensions
{
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GatewayMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime",
                "System.Net.Http")
            .AddView(i => i.Unit == "s" && i.Meter.Name == GatewayMetrics.MeterName
                ? new ExplicitBucketHistogramConfiguration { Boundaries = GatewayMetrics.SecondsBuckets }
                : null)
            .AddPrometheusExporter());
        return services;
    }

    public static WebApplication UseGatewayMetrics(this WebApplication app)
    {
        var o = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!o.Enabled)
        {
            return app;
        }
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null,
            predicate: http => http.Request.Path == "/metrics" && (o.Port is null || http.Connection.LocalPort == o.Port),
            path: null,
            configureBranchedPipeline: branch =>
            {
                if (o.Port is null)
                {
                    branch.Use(RequireAdminAsync);
                }
            },
            optionsName: null);
        return app;
    }

    /// <summary>On the API's port the numbers are for operators only: an admin API key as a bearer token.</summary>
    private static async Task RequireAdminAsync(HttpContext http, RequestDelegate next)
    {
        var (caller, _) = await http.RequestServices.GetRequiredService<ApiKeyAuthentication>().AuthenticateAsync(http);
        if (caller is { IsAdmin: true })
        {
            await next(http);
            return;
        }
        http.Response.StatusCode = caller is null ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
        http.Response.Headers.WWWAuthenticate = "Bearer";
        await http.Response.WriteAsync("/metrics needs an admin API key as a bearer token (or Metrics:Port)\n", http.RequestAborted);
    }
}
