using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Core.Live;

/// <summary>Streams pulled from a URL (section <c>Pull</c>); see SECURITY.md.</summary>
public sealed class PullOptions
{
    public const string Section = "Pull";

    /// <summary>Pulls from loopback, private and link-local addresses (off in production: a source is the tenant's URL).</summary>
    public bool AllowPrivateSources { get; set; }

    /// <summary>
    /// Pulls one node runs at once (each an ffmpeg publishing to the node's own ingest over loopback, so keep it under
    /// <see cref="IngestOptions.MaxConnectionsPerAddress"/>).
    /// </summary>
    [Range(0, 10_000)]
    public int MaxPullsPerNode { get; set; } = 16;

    /// <summary>The longest wait between tries to read a source that is down or drops (1 s, doubling up to this).</summary>
    [Range(1, 600)]
    public int MaxRetrySeconds { get; set; } = 30;

    /// <summary>How often a node looks for pulls to take or give up.</summary>
    [Range(1, 60)]
    public int ReconcileSeconds { get; set; } = 2;
}
