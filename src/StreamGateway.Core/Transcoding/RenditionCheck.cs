using System.Globalization;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Network.Transport;

namespace StreamGateway.Core.Transcoding;

/// <summary>
/// The checks every rendition passes before viewers see it (livepeer-protocol §6.1): it decodes as H.264, it fits the
/// profile's box (the orchestrator keeps the source's aspect ratio inside it), it lasts as long as the source, it has
/// the source's frames (or duration × the profile's frame rate), and the pixels the orchestrator reported are the
/// pixels it holds. Pure.
/// </summary>
public static class RenditionCheck
{
    /// <summary>Scalers round odd sizes to even ones.</summary>
    private const int SizeSlack = 2;

    /// <param name="sourceFrames">Frames in the source segment; 0 when unknown (no frame-count check then).</param>
    /// <returns>Null when the rendition is good, else what is wrong with it.</returns>
    public static string? Problem(Rendition asked, double sourceSeconds, long sourceFrames, long reportedPixels, RenditionFacts facts)
    {
        var name = asked.Name;
        if (facts.VideoCodec != "h264")
        {
            return $"rendition {name} has no H.264 video (found {facts.VideoCodec ?? "none"})";
        }
        if (facts.Frames <= 0)
        {
            return $"rendition {name} decodes to no frames";
        }
        var fitsBox = facts.Width <= asked.Width + SizeSlack && facts.Height <= asked.Height + SizeSlack;
        var touchesBox = Math.Abs(facts.Width - asked.Width) <= SizeSlack || Math.Abs(facts.Height - asked.Height) <= SizeSlack;
        if (!fitsBox || !touchesBox)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"rendition {name} is {facts.Width}x{facts.Height}, which does not fit {asked.Width}x{asked.Height}");
        }
        if (facts.Duration is not { } seconds || Math.Abs(seconds - sourceSeconds) > Math.Max(0.5, 0.25 * sourceSeconds))
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"rendition {name} lasts {facts.Duration:0.###} s, the source {sourceSeconds:0.###} s");
        }
        var expectedFrames = asked.Fps > 0 ? (long)Math.Round(sourceSeconds * asked.Fps / Math.Max(1, asked.FpsDen)) : sourceFrames;
        if (expectedFrames > 0 && Math.Abs(facts.Frames - expectedFrames) > Math.Max(2, expectedFrames / 20))
        {
            return $"rendition {name} has {facts.Frames} frames where {expectedFrames} were expected";
        }
        if (reportedPixels != facts.Pixels)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"rendition {name}: the orchestrator reported {reportedPixels} pixels, decoding found {facts.Pixels}");
        }
        return null;
    }
}
