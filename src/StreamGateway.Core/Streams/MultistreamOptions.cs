using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Core.Streams;

/// <summary>Restreaming to other platforms (section <c>Multistream</c>); see SECURITY.md.</summary>
public sealed class MultistreamOptions
{
    public const string Section = "Multistream";

    /// <summary>Targets one stream may have; more are refused with 422.</summary>
    [Range(1, 100)]
    public int MaxTargetsPerStream { get; set; } = 10;

    /// <summary>Pushes to loopback, private and link-local addresses (off in production: a target is the tenant's URL).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>The longest wait between tries to reach a target that refuses or drops (1 s, doubling up to this).</summary>
    [Range(1, 600)]
    public int MaxRetrySeconds { get; set; } = 30;

    /// <summary>Pushes one node runs at once; targets beyond it wait for a free one (each is an ffmpeg process).</summary>
    [Range(1, 10_000)]
    public int MaxPushesPerNode { get; set; } = 200;

    /// <summary>How often a node compares the pushes it runs with the targets its live streams should have.</summary>
    [Range(1, 60)]
    public int ReconcileSeconds { get; set; } = 2;
}
