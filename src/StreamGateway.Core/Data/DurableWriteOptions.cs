using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Core.Data;

/// <summary>How long and how much a node keeps writes that PostgreSQL could not take yet (<see cref="DurableWrites"/>).</summary>
public sealed class DurableWriteOptions
{
    public const string Section = "DurableWrites";

    /// <summary>Writes a node holds while PostgreSQL is away; one more is dropped with an error in the log.</summary>
    [Range(100, 10_000_000)]
    public int MaxPending { get; set; } = 100_000;

    /// <summary>A write that still fails after this long is dropped with an error in the log.</summary>
    [Range(1, 24 * 60)]
    public int RetryForMinutes { get; set; } = 60;

    /// <summary>The longest wait between two tries of a write.</summary>
    [Range(0.1, 60)]
    public double MaxRetryDelaySeconds { get; set; } = 2;
}
