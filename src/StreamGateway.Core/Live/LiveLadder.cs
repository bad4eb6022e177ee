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
