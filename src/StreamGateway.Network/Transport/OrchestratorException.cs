namespace StreamGateway.Network.Transport;

/// <summary>
/// Why an orchestrator could not do a segment; <see cref="Retryable"/> false for faults of the input itself. The
/// message is for the operator (logs, the pool's last error) and may quote the orchestrator; <see cref="Reason"/> is
/// what a tenant may see: short, in our words, never the orchestrator's.
/// </summary>
public sealed class OrchestratorException(string message, bool retryable = true, Exception? inner = null, string? reason = null)
    : Exception(message, inner)
{
    public const string DefaultReason = "an orchestrator could not transcode it";

    public bool Retryable { get; } = retryable;

    public string Reason { get; } = reason ?? DefaultReason;

    /// <summary>
    /// The orchestrator refused the segment's payment (HTTP 400 on <c>/segment</c>: its ticket params expired, a bad
    /// ticket, or less credit than this gateway counted). The session's params or credit are stale, not the
    /// orchestrator: a new session with it is worth one more try.
    /// </summary>
    public bool PaymentRefused { get; init; }
}
