using System.Diagnostics.Metrics;

namespace StreamGateway.Core.Health;

/// <summary>
/// The gateway's own instruments (meter <c>StreamGateway</c>), scraped with the framework's (HTTP, Kestrel, runtime,
/// outgoing HTTP) at <c>/metrics</c>. Labels are bounded: orchestrators come from the on-chain pool, outcomes and
/// queues from fixed lists. Names follow OpenTelemetry; the Prometheus text adds <c>_total</c>, <c>_seconds</c>.
/// </summary>
public static class GatewayMetrics
{
    public const string MeterName = "StreamGateway";

    public static readonly Meter Meter = new(MeterName);

    /// <summary>Source segments cut from live publishers on this node.</summary>
    public static readonly Counter<long> SegmentsIngested = Meter.CreateCounter<long>("sg.live.segments.ingested", "{segment}",
        "Source segments cut from live publishers on this node");

    /// <summary>Segments whose renditions were published (live and VOD), by orchestrator.</summary>
    public static readonly Counter<long> SegmentsTranscoded = Meter.CreateCounter<long>("sg.segments.transcoded", "{segment}",
        "Segments whose renditions passed every check and were published");

    /// <summary>One attempt of one segment on one orchestrator: outcome ok, error or bad_work.</summary>
    public static readonly Counter<long> TranscodeAttempts = Meter.CreateCounter<long>("sg.transcode.attempts", "{attempt}",
        "Attempts to transcode a segment on an orchestrator, by orchestrator and outcome");

    public static readonly Histogram<double> TranscodeDuration = Meter.CreateHistogram<double>("sg.transcode.duration", "s",
        "From the start of an attempt on an orchestrator to its renditions checked and published (or its failure)");

    /// <summary>Renditions that failed a check (decode, size, frames, duration, pixels or the comparison with the source).</summary>
    public static readonly Counter<long> VerificationFailures = Meter.CreateCounter<long>("sg.verification.failures", "{segment}",
        "Segments whose renditions from an orchestrator failed verification");

    /// <summary>Sessions opened again after an orchestrator refused a segment's payment (expired ticket params, credit it lacks).</summary>
    public static readonly Counter<long> SessionsRenewed = Meter.CreateCounter<long>("sg.sessions.renewed", "{session}",
        "Orchestrator sessions opened again after a refused payment, by orchestrator");

    public static readonly Counter<long> TicketsSent = Meter.CreateCounter<long>("sg.tickets.sent", "{ticket}",
        "Probabilistic micropayment tickets sent to orchestrators");

    public static readonly Counter<double> TicketValueSent = Meter.CreateCounter<double>("sg.tickets.sent.value", "wei",
        "Expected value of the tickets sent to orchestrators");

    /// <summary>Webhook delivery attempts: outcome delivered, retrying or failed.</summary>
    public static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>("sg.webhook.deliveries", "{delivery}",
        "Webhook delivery attempts, by outcome");

    public static readonly Histogram<double> StoreWriteDuration = Meter.CreateHistogram<double>("sg.store.write.duration", "s",
        "Time to store one file (a segment, playlist, thumbnail or MP4) in the media store, by backend");

    /// <summary>Bucket boundaries, in seconds, for the histograms above (the framework's defaults suit milliseconds).</summary>
    public static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32];

    public static KeyValuePair<string, object?> Tag(string name, object? value) => new(name, value);
}
