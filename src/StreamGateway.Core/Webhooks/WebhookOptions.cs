using System.ComponentModel.DataAnnotations;

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
