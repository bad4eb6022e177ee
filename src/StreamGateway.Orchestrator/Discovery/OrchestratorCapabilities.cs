using StreamGateway.Network.Wire;

namespace StreamGateway.Orchestrator.Discovery;

/// <summary>
/// The capabilities this orchestrator offers (livepeer-wire §1.1): H.264 in, MPEG-TS out, auth tokens, fractional
/// frame rates and a chosen GOP. The capacity of each is the session limit, as go-O reports it, and the version is the
/// go-livepeer protocol level it speaks (a go-B run with <c>-orchMinLivepeerVersion</c> drops an orchestrator without one).
/// </summary>
public static class OrchestratorCapabilities
{
    private static readonly ulong[] Offered = CapabilityBits.Bitstring(CapabilityBits.Offered);

    public static Capabilities Describe(int maxSessions, string? version = null) =>
        CapabilityBits.Describe(CapabilityBits.Offered, (uint)maxSessions, version);

    /// <summary>go-O's rule: every bit the job asks for must be one we offer (an absent set asks for nothing).</summary>
    public static bool Covers(Capabilities? job) => CapabilityBits.Covers(Offered, job);
}
