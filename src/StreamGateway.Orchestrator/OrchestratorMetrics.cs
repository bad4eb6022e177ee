using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace StreamGateway.Orchestrator;

/// <summary>
/// The orchestrator's instruments (meter <c>StreamGateway.Orchestrator</c>), with ASP.NET Core's, Kestrel's and the
/// runtime's, as Prometheus text at <c>/metrics</c> for the operator's admin token (<see cref="AdminOnly"/>).
/// </summary>
public static class OrchestratorMetrics
{
    public const string MeterName = "StreamGateway.Orchestrator";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>Segments asked for on <c>/segment</c>: outcome transcoded, failed (ffmpeg could not) or refused (payment, signature, capacity, size).</summary>
    public static readonly Counter<long> Segments = Meter.CreateCounter<long>("sgo.segments", "{segment}",
        "Segments received on /segment, by outcome");

    /// <summary>Transcoders joined right now (<see cref="StreamGateway.Orchestrator.Transcoders.RemoteTranscoders"/> keeps it).</summary>
    internal static int JoinedTranscoders;

    public static readonly ObservableGauge<int> JoinedTranscoderGauge = Meter.CreateObservableGauge("sgo.transcoders", () => Volatile.Read(ref JoinedTranscoders),
        "{transcoder}", "Transcoders joined to this orchestrator");

    /// <summary>The pool the load gauges read (the last one a transcoder joined, one per orchestrator process).</summary>
    internal static Transcoders.RemoteTranscoders? Transcoders;

    public static readonly ObservableGauge<int> TranscoderCapacityGauge = Meter.CreateObservableGauge("sgo.transcoder_capacity",
        () => Transcoders?.TotalCapacity ?? 0, "{session}", "Session slots of the joined transcoders");

    public static readonly ObservableGauge<int> TranscoderSessionsGauge = Meter.CreateObservableGauge("sgo.transcoder_sessions",
        () => Transcoders?.SessionsHeld ?? 0, "{session}", "Sessions the joined transcoders hold (their load)");

    /// <summary>Segments a joined transcoder made (the rest of those transcoded were made here).</summary>
    public static readonly Counter<long> TranscoderSegments = Meter.CreateCounter<long>("sgo.transcoder_segments", "{segment}",
        "Segments transcoded by joined transcoders");

    public static readonly Histogram<double> TranscodeDuration = Meter.CreateHistogram<double>("sgo.transcode.duration", "s",
        "Time ffmpeg took to make a segment's renditions");

    public static readonly Counter<long> TicketsReceived = Meter.CreateCounter<long>("sgo.tickets.received", "{ticket}",
        "Valid payment tickets received");

    public static readonly Counter<long> TicketsWon = Meter.CreateCounter<long>("sgo.tickets.won", "{ticket}",
        "Winning tickets, kept for redemption");

    /// <summary>Winning tickets sent on chain: status redeemed or failed.</summary>
    public static readonly Counter<long> TicketsRedeemed = Meter.CreateCounter<long>("sgo.tickets.redeemed", "{ticket}",
        "Winning tickets submitted on chain, by status");

    public static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);

    public static IServiceCollection AddOrchestratorMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
            .AddView(i => i.Unit == "s" && i.Meter.Name == MeterName
                ? new ExplicitBucketHistogramConfiguration { Boundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32] }
                : null)
            .AddPrometheusExporter());
        return services;
    }

    public static WebApplication UseOrchestratorMetrics(this WebApplication app)
    {
        var token = app.Services.GetRequiredService<IOptions<OrchestratorOptions>>();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null, predicate: http => http.Request.Path == "/metrics", path: null,
            configureBranchedPipeline: branch => branch.Use(async (http, next) =>
            {
                if (AdminOnly.Refusal(http, token.Value.AdminToken) is var (status, message))
                {
                    http.Response.StatusCode = status;
                    await http.Response.WriteAsync(message, http.RequestAborted);
                    return;
                }
                await next(http);
            }),
            optionsName: null);
        return app;
    }
}
