using System.Text;
using Google.Protobuf;
using StreamGateway.Network.Wire;

namespace StreamGateway.Network.Transport;

/// <summary>Builds the <c>Livepeer-Segment</c> header's SegData the way go-B does (livepeer-protocol §5.3). Pure.</summary>
public static class SegmentRequest
{
    /// <summary>go-B breaks the legacy profiles field on purpose so that old orchestrators refuse the job.</summary>
    private static readonly ByteString LegacyProfiles = ByteString.CopyFromUtf8("invalid");

    /// <summary>lpms's GOPIntraOnly: a gop of −1 on the wire asks for every frame to be a keyframe.</summary>
    public const int IntraOnlyGop = -1;

    public static SegData Build(string manifestId, long seq, ReadOnlySpan<byte> segment, TimeSpan duration, AuthToken token,
        IReadOnlyList<RenditionRequest> renditions, BroadcasterIdentity? signer = null)
    {
        var data = new SegData
        {
            ManifestId = ByteString.CopyFrom(Encoding.UTF8.GetBytes(manifestId)),
            Seq = seq,
            Hash = ByteString.CopyFrom(Keccak256.Hash(segment)),
            Profiles = LegacyProfiles,
            Duration = (int)Math.Round(duration.TotalMilliseconds),
            Capabilities = new Capabilities(),
            AuthToken = token,
        };
        data.FullProfiles.AddRange(Profiles(renditions));
        data.Capabilities.Bitstring.AddRange(CapabilityBits.Bitstring(CapabilityBits.ForJob(data.FullProfiles)));
        signer?.SignSegment(data, renditions.Select(r => r.Name));
        return data;
    }

    /// <summary>The capability bitstring a job with these renditions asks for (go-B's rule, <see cref="CapabilityBits.ForJob"/>).</summary>
    public static ulong[] Job(IReadOnlyList<RenditionRequest> renditions) => CapabilityBits.Bitstring(CapabilityBits.ForJob(Profiles(renditions)));

    private static List<VideoProfile> Profiles(IReadOnlyList<RenditionRequest> renditions) =>
        renditions.Select(r => new VideoProfile
        {
            Name = r.Name,
            Width = r.Width,
            Height = r.Height,
            Bitrate = r.BitrateBps,
            Fps = (uint)Math.Max(0, r.Fps),
            // A whole frame rate goes without a denominator, as go-B sends it (a denominator asks for capability 3).
            FpsDen = (uint)(r.Fps > 0 && r.FpsDen > 1 ? r.FpsDen : 0),
            Gop = r.GopMilliseconds == RenditionRequest.IntraOnly ? IntraOnlyGop : r.GopMilliseconds,
            Format = VideoProfile.Types.Format.Mpegts,
            Encoder = VideoProfile.Types.VideoCodec.H264,
        }).ToList();
}
