namespace StreamGateway.Network.Wire;

/// <summary>
/// Capability numbers and their bitstring form (livepeer-protocol §5.3): capability c is bit c % 64 of word c / 64.
/// A transcoding job of go-B asks for the input codec, the output format and auth tokens.
/// </summary>
public static class CapabilityBits
{
    public const int H264 = 0;
    public const int MpegTs = 1;
    public const int AuthToken = 12;

    /// <summary>What a live or VOD H.264/MPEG-TS transcoding job needs.</summary>
    public static readonly IReadOnlyList<int> Transcoding = [H264, MpegTs, AuthToken];

    public static ulong[] Bitstring(IEnumerable<int> capabilities)
    {
        var words = new ulong[capabilities.DefaultIfEmpty(0).Max() / 64 + 1];
        foreach (var capability in capabilities)
        {
            words[capability / 64] |= 1UL << (capability % 64);
        }
        return words;
    }

    public static Capabilities Describe(IEnumerable<int> capabilities, uint? capacity = null)
    {
        var list = capabilities.ToList();
        var caps = new Capabilities();
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
}
