namespace StreamGateway.Network.Transport;

/// <summary>Why an orchestrator could not do a segment; <see cref="Retryable"/> false for faults of the input itself.</summary>
public sealed class OrchestratorException(string message, bool retryable = true, Exception? inner = null)
    : Exception(message, inner)
{
    public bool Retryable { get; } = retryable;
}
