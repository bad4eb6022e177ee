using StreamGateway.Network.Wire;

namespace StreamGateway.Orchestrator.Discovery;

/// <summary>
/// The capability bits this orchestrator offers (livepeer-wire §1.1, livepeer-protocol §5.3): capability c is bit
/// c % 64 of word c / 64. go-B's transcoding jobs always carry AuthToken plus the input codec and output format.
/// </summary>
public static class OrchestratorCapabilities
{
    public const int H264 = 0;
    public const int MpegTs = 1;
    public const int AuthToken = 12;

    public static readonly IReadOnlyList<int> Offered = [H264, MpegTs, AuthToken];

    public static ulong[] Bitstring(IEnumerable<int> capabilities)
    {
        var words = new ulong[capabilities.DefaultIfEmpty(0).Max() / 64 + 1];
        foreach (var capability in capabilities)
        {
            words[capability / 64] |= 1UL << (capability % 64);
        }
        return words;
    }

    public static Capabilities Describe()
    {
        var caps = new Capabilities();
        caps.Bitstring.AddRange(Bitstring(Offered));
        return caps;
    }

    /// <summary>go-O's rule: every bit the job asks for must be one we offer (an absent set asks for nothing).</summary>
    public static bool Covers(Capabilities? job)
    {
        if (job is null)
        {
            return true;
        }
        var ours = Bitstring(Offered);
        for (var i = 0; i < job.Bitstring.Count; i++)
        {
            var offered = i < ours.Length ? ours[i] : 0;
            if ((job.Bitstring[i] & ~offered) != 0)
            {
                return false;
            }
        }
        return true;
    }
}
