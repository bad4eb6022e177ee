using System.Globalization;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;
using StreamGateway.Orchestrator.Sessions;

namespace StreamGateway.Orchestrator.Segments;

/// <summary>Turns SegData's wire profiles into our ladder (livepeer-wire §1.3). Pure.</summary>
public static class SegmentProfiles
{
    /// <summary>go-O reads fullProfiles3 if non-empty, else fullProfiles2, else fullProfiles.</summary>
    public static IReadOnlyList<VideoProfile> Requested(SegData segment) =>
        segment.FullProfiles3.Count > 0 ? segment.FullProfiles3
        : segment.FullProfiles2.Count > 0 ? segment.FullProfiles2
        : segment.FullProfiles;

    /// <summary>The ladder, or a 403 text for a profile this orchestrator cannot produce.</summary>
    public static (IReadOnlyList<LadderProfile>? Ladder, string? Error) ToLadder(IReadOnlyList<VideoProfile> profiles)
    {
        if (profiles.Count == 0)
        {
            return (null, "no transcoding profiles");
        }
        var ladder = new List<LadderProfile>(profiles.Count);
        foreach (var p in profiles)
        {
            // go-O names an unnamed profile this way; the name is part of the rendition URL.
            var name = string.IsNullOrEmpty(p.Name)
                ? string.Create(CultureInfo.InvariantCulture, $"net_{p.Width}x{p.Height}_{p.Bitrate}")
                : p.Name;
            if (!RenditionStore.IsSafeName(name))
            {
                return (null, $"invalid profile name {name}");
            }
            if (p.Format != VideoProfile.Types.Format.Mpegts)
            {
                return (null, "unsupported profile output format");
            }
            if (p.Encoder != VideoProfile.Types.VideoCodec.H264)
            {
                return (null, "unsupported video codec");
            }
            if (p.Width <= 0 || p.Height <= 0 || p.Bitrate <= 0)
            {
                return (null, $"invalid profile {name}");
            }
            // A gop is milliseconds, 0 the encoder's own, −1 (lpms's GOPIntraOnly) every frame a keyframe.
            if (p.Gop < SegmentRequest.IntraOnlyGop)
            {
                return (null, $"invalid gop {p.Gop} in profile {name}");
            }
            ladder.Add(new LadderProfile(
                name, p.Width, p.Height, p.Bitrate,
                Fps: (int)p.Fps, FpsDen: p.FpsDen == 0 ? 1 : (int)p.FpsDen,
                GopSeconds: p.Gop > 0 ? p.Gop / 1000.0 : null, IntraOnly: p.Gop == SegmentRequest.IntraOnlyGop));
        }
        return (ladder, null);
    }
}
