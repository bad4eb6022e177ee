using System.Globalization;
using System.Text.Json;
using StreamGateway.Core.Http;
using StreamGateway.Core.Streams;
using StreamGateway.Core.Transcoding;

namespace StreamGateway.Core.Live;

/// <summary>
/// A stream's profiles as renditions to ask orchestrators for. Profiles taller than the source are left out (a
/// ladder never upscales), and each rendition is named for its playlist path. Pure.
/// </summary>
public static class LiveLadder
{
    public static IReadOnlyList<Rendition> For(string profilesJson, int? sourceWidth, int? sourceHeight)
    {
        var profiles = JsonSerializer.Deserialize<List<FfmpegProfile>>(profilesJson, GatewayJson.Options) ?? [];
        var result = new List<Rendition>(profiles.Count);
        var names = new HashSet<string>(StringComparer.Ordinal) { Live.LivePlaylists.Source };
        for (var i = 0; i < profiles.Count; i++)
        {
            var p = profiles[i];
            if (p?.Width is not { } width || p.Height is not { } height || p.Bitrate is not { } bitrate || width <= 0 || height <= 0 || bitrate <= 0)
            {
                continue;
            }
            if (sourceHeight is { } sh && height > sh || sourceWidth is { } sw && sourceHeight is null && width > sw)
            {
                continue;
            }
            var name = p.Name is { } n && StreamRules.IsRenditionName(n) && names.Add(n) ? n : Unique(names, i);
            result.Add(new Rendition(name, width, height, bitrate, p.Fps ?? 0, p.FpsDen is > 0 ? p.FpsDen.Value : 1, GopMilliseconds(p.Gop)));
        }
        return result;
    }

    /// <summary>
    /// What a rendition will carry, known before it exists, for the master playlist: the source's picture fitted
    /// inside the profile's box with its shape kept and even sides (as orchestrators scale it:
    /// <c>force_original_aspect_ratio=decrease:force_divisible_by=2</c>), the profile's frame rate or the source's,
    /// a High-profile H.264 codec at the level the encoder will choose, and the source's audio, which is copied.
    /// </summary>
    public static LiveVariant Predict(Rendition rendition, RenditionInfo source)
    {
        var (width, height) = source is { Width: { } sw and > 0, Height: { } sh and > 0 }
            ? Fit(sw, sh, rendition.Width, rendition.Height)
            : (rendition.Width, rendition.Height);
        double? fps = rendition.Fps > 0 ? (double)rendition.Fps / Math.Max(1, rendition.FpsDen) : source.FrameRate;
        var kbps = rendition.BitrateBps / 1000;
        var video = Media.Hls.H264Levels.HighProfileCodec(Media.Hls.H264Levels.HighProfileLevel(width, height, fps ?? 0, kbps, 2 * kbps));
        var audio = (source.Codecs ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(c => !c.StartsWith("avc1", StringComparison.OrdinalIgnoreCase)).ToList();
        var codecs = string.Join(',', new[] { video }.Concat(audio));
        return new LiveVariant(rendition.Name, new RenditionInfo(width, height, fps, codecs),
            (long)(rendition.BitrateBps * PeakToTarget) + (audio.Count > 0 ? AudioAllowanceBps : 0));
    }

    /// <summary>
    /// A rendition's peak segment bit rate (what BANDWIDTH declares) over the bit rate it is asked for: the VBV buffer
    /// orchestrators are given (twice the rate) lets a 2 s segment carry about half as much again. Measured on the
    /// devnet's 2 s segments of Studio's default ladder from a 720p30 source: 1.48 to 1.52 for video.
    /// </summary>
    public const double PeakToTarget = 1.5;

    /// <summary>Copied AAC audio and the MPEG-TS packaging around it: about 128 kbit/s of audio and 30 of overhead.</summary>
    public const long AudioAllowanceBps = 160_000;

    /// <summary>The largest even-sided picture with the source's shape inside <paramref name="boxWidth"/>×<paramref name="boxHeight"/>.</summary>
    public static (int Width, int Height) Fit(int sourceWidth, int sourceHeight, int boxWidth, int boxHeight)
    {
        // Each side scaled from the other, rounded to the nearest pixel (halves up), then the box's limit, then even.
        var widthForHeight = (int)(((long)boxHeight * sourceWidth * 2 + sourceHeight) / (2L * sourceHeight));
        var heightForWidth = (int)(((long)boxWidth * sourceHeight * 2 + sourceWidth) / (2L * sourceWidth));
        var width = Math.Min(widthForHeight, boxWidth) / 2 * 2;
        var height = Math.Min(heightForWidth, boxHeight) / 2 * 2;
        return (Math.Max(2, width), Math.Max(2, height));
    }

    private static string Unique(HashSet<string> names, int index)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"r{index}");
        while (!names.Add(name))
        {
            name += "_";
        }
        return name;
    }

    /// <summary>Studio's gop is seconds as a string ("2.0"), or "intra"; anything else leaves the encoder's default.</summary>
    private static int GopMilliseconds(string? gop) =>
        gop is null ? 0
        : gop == "intra" ? 1
        : double.TryParse(gop, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? (int)(seconds * 1000)
        : 0;
}
