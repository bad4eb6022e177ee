using System.Globalization;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Media.Ts;
using StreamGateway.Network.Transport;

namespace StreamGateway.Core.Transcoding;

/// <summary>
/// The checks every rendition passes before viewers see it (livepeer-protocol §6.1): it is H.264, it fits the
/// profile's box (the orchestrator keeps the source's aspect ratio inside it), it lasts as long as the source, it has
/// the source's frames (or the source video's span × the profile's frame rate), and the pixels the orchestrator
/// reported are the pixels it holds. Pure.
/// <para>
/// They are written for what real encoders send, not for ffmpeg's tidy test output: the source's span is read from
/// its video's own presentation times, so a final segment cut a few frames after its keyframe, audio that outlasts
/// the video, variable frame rates and timestamp gaps expect what an honest transcoder makes of them.
/// </para>
/// </summary>
public static class RenditionCheck
{
    /// <summary>Scalers round odd sizes to even ones.</summary>
    private const int SizeSlack = 2;

    /// <param name="sourceSeconds">The segment's duration as the segmenter or chunker cut it.</param>
    /// <param name="source">The source segment's video as read from its bytes; null when unreadable (no frame-count check then).</param>
    /// <returns>Null when the rendition is good, else what is wrong with it.</returns>
    public static string? Problem(Rendition asked, double sourceSeconds, TsVideoFacts? source, long reportedPixels, RenditionFacts facts)
    {
        var sourceFrames = source?.Frames ?? 0;
        var videoSeconds = source is { Seconds: > 0 } video ? video.Seconds : sourceSeconds;
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
        // The container's duration runs to its longest track: the segment's cut, or its video where that differs.
        if (facts.Duration is not { } seconds || !(Near(seconds, sourceSeconds) || Near(seconds, videoSeconds)))
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"rendition {name} lasts {facts.Duration:0.###} s, the source {sourceSeconds:0.###} s");
        }
        // A frame rate filter makes frames across the video's span; without one, the source's frames come through.
        var expectedFrames = asked.Fps > 0 ? (long)Math.Round(videoSeconds * asked.Fps / Math.Max(1, asked.FpsDen)) : sourceFrames;
        var slack = Math.Max(2, expectedFrames / (asked.Fps > 0 ? 10 : 20));
        if (expectedFrames > 0 && Math.Abs(facts.Frames - expectedFrames) > slack)
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

    private static bool Near(double seconds, double expected) => Math.Abs(seconds - expected) <= Math.Max(0.5, 0.25 * expected);
}
