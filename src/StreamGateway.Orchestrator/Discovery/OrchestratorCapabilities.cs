using StreamGateway.Network.Wire;

namespace StreamGateway.Orchestrator.Discovery;

/// <summary>
/// The capabilities this orchestrator offers (livepeer-wire §1.1): H.264 in, MPEG-TS out, auth tokens. The
/// capacity of each is the session limit, as go-O reports it.
/// </summary>
public static class OrchestratorCapabilities
{
    private static readonly ulong[] Offered = CapabilityBits.Bitstring(CapabilityBits.Transcoding);

    public static Capabilities Describe(int maxSessions) => CapabilityBits.Describe(CapabilityBits.Transcoding, (uint)maxSessions);

    /// <summary>go-O's rule: every bit the job asks for must be one we offer (an absent set asks for nothing).</summary>
    public static bool Covers(Capabilities? job) => CapabilityBits.Covers(Offered, job);
}
