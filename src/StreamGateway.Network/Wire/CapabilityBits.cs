namespace StreamGateway.Network.Wire;

/// <summary>
/// Capability numbers and their bitstring form (livepeer-protocol §5.3): capability c is bit c % 64 of word c / 64.
/// A transcoding job of go-B asks for the input codec, the output format and auth tokens.
/// </summary>
public static class CapabilityBits
{
    public const int H264 = 0;
    public const int MpegTs = 1;
    public const int FractionalFramerates = 3;
    public const int Gop = 11;
    public const int AuthToken = 12;

    /// <summary>What every live or VOD H.264/MPEG-TS transcoding job needs.</summary>
    public static readonly IReadOnlyList<int> Transcoding = [H264, MpegTs, AuthToken];

    /// <summary>What our orchestrator offers: H.264 in, MPEG-TS out, auth tokens, fractional frame rates (fpsDen) and a
    /// chosen GOP (intra-only included).</summary>
    public static readonly IReadOnlyList<int> Offered = [H264, MpegTs, FractionalFramerates, Gop, AuthToken];

    /// <summary>
    /// What a job with these profiles asks for, by go-B's rule: the transcoding bits, plus 3 when a profile has a frame
    /// rate denominator and 11 when one sets a GOP.
    /// </summary>
    public static IReadOnlyList<int> ForJob(IEnumerable<VideoProfile> profiles)
    {
        var bits = new SortedSet<int>(Transcoding);
        foreach (var p in profiles)
        {
            if (p.FpsDen > 0)
            {
                bits.Add(FractionalFramerates);
            }
            if (p.Gop != 0)
            {
                bits.Add(Gop);
            }
        }
        return [.. bits];
    }

    public static ulong[] Bitstring(IEnumerable<int> capabilities)
    {
        var words = new ulong[capabilities.DefaultIfEmpty(0).Max() / 64 + 1];
        foreach (var capability in capabilities)
        {
            words[capability / 64] |= 1UL << (capability % 64);
        }
        return words;
    }

    public static Capabilities Describe(IEnumerable<int> capabilities, uint? capacity = null, string? version = null)
    {
        var list = capabilities.ToList();
        var caps = new Capabilities { Version = version ?? "" };
        caps.Bitstring.AddRange(Bitstring(list));
        if (capacity is { } c)
        {
            foreach (var capability in list)
            {
                caps.Capacities[(uint)capability] = c;
            }
        }
        return caps;
    }

    /// <summary>Every bit <paramref name="wanted"/> asks for is one <paramref name="offered"/> has (an absent set asks for nothing).</summary>
    public static bool Covers(IReadOnlyList<ulong> offered, Capabilities? wanted)
    {
        if (wanted is null)
        {
            return true;
        }
        for (var i = 0; i < wanted.Bitstring.Count; i++)
        {
            var have = i < offered.Count ? offered[i] : 0;
            if ((wanted.Bitstring[i] & ~have) != 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Whether go-B would send a job with these bits to an orchestrator offering <paramref name="offered"/>
    /// (core/capabilities.go <c>CompatibleWith</c>): every bit the orchestrator makes mandatory is in the job, and every
    /// bit of the job is in the orchestrator's bitstring, word for word (a job with more words than the offer is refused
    /// even when the extra words are zero). An orchestrator that describes no capabilities serves nothing.
    /// </summary>
    public static bool Serves(IReadOnlyList<ulong>? offered, IReadOnlyList<ulong>? mandatories, IReadOnlyList<ulong> job)
    {
        if (offered is null)
        {
            return false;
        }
        return Subset(mandatories ?? [], job) && Subset(job, offered);
    }

    private static bool Subset(IReadOnlyList<ulong> inner, IReadOnlyList<ulong> outer)
    {
        if (inner.Count > outer.Count)
        {
            return false;
        }
        for (var i = 0; i < inner.Count; i++)
        {
            if ((inner[i] & outer[i]) != inner[i])
            {
                return false;
            }
        }
        return true;
    }
}
