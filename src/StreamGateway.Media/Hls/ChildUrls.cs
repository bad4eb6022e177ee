using System.Text;
using System.Text.RegularExpressions;

namespace StreamGateway.Media.Hls;

/// <summary>
/// Adds a query parameter to every URL a playlist or a WebVTT thumbnail index points at, so a player that resolves
/// them as written (hls.js, Safari, ffmpeg) carries it along: the URI lines of an M3U8 and its <c>URI="…"</c>
/// attributes, and the cue payloads of a WebVTT index. Pure.
/// </summary>
public static partial class ChildUrls
{
    public static string InPlaylist(string playlist, string name, string value)
    {
        var suffix = $"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}";
        return MapPlaylist(playlist, url => With(url, suffix));
    }

    /// <summary>Replaces every URL an M3U8 points at (its URI lines and <c>URI="…"</c> attributes) with <paramref name="map"/>'s answer.</summary>
    public static string MapPlaylist(string playlist, Func<string, string> map)
    {
        var text = new StringBuilder(playlist.Length + 64);
        foreach (var line in Lines(playlist))
        {
            var bare = line.TrimEnd('\r');
            if (bare.Length == 0)
            {
                text.Append(line);
            }
            else if (bare[0] == '#')
            {
                text.Append(UriAttribute().Replace(line, m => $"URI=\"{map(m.Groups[1].Value)}\""));
            }
            else
            {
                text.Append(map(bare)).Append(line[bare.Length..]);
            }
            text.Append('\n');
        }
        return Trimmed(text);
    }

    /// <summary>A WebVTT index: every cue's payload line (what follows a timing line) is a URL, maybe with a fragment.</summary>
    public static string InWebVtt(string vtt, string name, string value)
    {
        var suffix = $"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value)}";
        var text = new StringBuilder(vtt.Length + 64);
        var afterTiming = false;
        foreach (var line in Lines(vtt))
        {
            var bare = line.TrimEnd('\r');
            if (afterTiming && bare.Length > 0)
            {
                var hash = bare.IndexOf('#', StringComparison.Ordinal);
                var (url, fragment) = hash < 0 ? (bare, "") : (bare[..hash], bare[hash..]);
                text.Append(With(url, suffix)).Append(fragment).Append(line[bare.Length..]);
            }
            else
            {
                text.Append(line);
            }
            afterTiming = bare.Contains("-->", StringComparison.Ordinal);
            text.Append('\n');
        }
        return Trimmed(text);
    }

    private static string With(string url, string suffix) =>
        url.Contains('?', StringComparison.Ordinal) ? $"{url}&{suffix}" : $"{url}?{suffix}";

    private static string[] Lines(string text) => text.Split('\n');

    /// <summary>Splitting on '\n' and joining with it adds one trailing newline the input did not have.</summary>
    private static string Trimmed(StringBuilder text) => text.ToString(0, text.Length - 1);

    [GeneratedRegex("URI=\"([^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex UriAttribute();
}
