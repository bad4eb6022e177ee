using System.ComponentModel.DataAnnotations;
using StreamGateway.Core.Jobs;

namespace StreamGateway.Core.Webhooks;

public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Deliver to private, loopback and link-local addresses. Off in production; dev and tests turn it on.</summary>
    public bool AllowPrivateAddresses { get; set; }

    [Range(1, 300)]
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// How much of a receiver's answer is read and kept in the delivery log; the rest is never read and the
    /// connection is closed, so a huge or endless answer costs neither memory nor a worker's time.
    /// </summary>
    [Range(0, 65536)]
    public int MaxResponseBytes { get; set; } = 4096;

    /// <summary>
    /// Deliveries of one project in flight at once, across every node; more wait (scheduled again every few seconds,
    /// <c>Jobs:BusyRetrySeconds</c>), so a project's dead receivers hold at most this many workers, each for up to
    /// <see cref="TimeoutSeconds"/>.
    /// </summary>
    [Range(1, 1000)]
    public int MaxConcurrentDeliveriesPerProject { get; set; } = 4;

    /// <summary>
    /// Deliveries in flight at once on one node, whatever their project: by default half of the default general pool
    /// (<c>Jobs:Workers</c>), so receivers that never answer cannot hold the workers VOD and the sweeps need.
    /// </summary>
    [Range(1, 1000)]
    public int MaxConcurrentDeliveriesPerNode { get; set; } = Math.Max(4, 2 * Environment.ProcessorCount);

    public SlotLimits DeliverySlots() => new("webhook", MaxConcurrentDeliveriesPerProject, MaxConcurrentDeliveriesPerNode);

    /// <summary>How often each node looks for events and deliveries whose jobs were lost (<see cref="WebhookOutboxSweep"/>).</summary>
    [Range(1, 3600)]
    public int SweepSeconds { get; set; } = 15;

    /// <summary>How late an attempt may be before the sweep sends it again: longer than a busy queue's normal wait.</summary>
    [Range(1, 3600)]
    public int SweepGraceSeconds { get; set; } = 30;

    /// <summary>First retry delay; each later one doubles, up to <see cref="MaxRetryDelaySeconds"/> (studio-api §4.4).</summary>
    [Range(0.1, 3600)]
    public double RetryBaseDelaySeconds { get; set; } = 5;

    [Range(1, 86400)]
    public double MaxRetryDelaySeconds { get; set; } = 3600;

    [Range(0, 100)]
    public int MaxRetries { get; set; } = 33;

    public TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(MaxRetryDelaySeconds, RetryBaseDelaySeconds * Math.Pow(2, attempt - 1)));
}
