using System.Globalization;
using System.Text;

namespace StreamGateway.Media.Hls;

/// <summary>HLS playlist text (RFC 8216). Pure: state in, text out.</summary>
public static class HlsPlaylist
{
    public const string ContentType = "application/vnd.apple.mpegurl";

    /// <param name="targetDuration">Must be at least every segment's duration rounded to the nearest second (§4.3.3.1).</param>
    /// <param name="discontinuitySequence">Discontinuity tags that have slid out of the window (§4.3.3.3).</param>
    /// <param name="vod">A finished video on demand: <c>EXT-X-PLAYLIST-TYPE:VOD</c>, so players know it never changes.</param>
    public static string Media(IReadOnlyList<HlsSegment> segments, int targetDuration, long discontinuitySequence, bool ended, bool vod = false)
    {
        var sb = new StringBuilder(128 + segments.Count * 48);
        sb.Append("#EXTM3U\n#EXT-X-VERSION:3\n");
        if (vod)
        {
            sb.Append("#EXT-X-PLAYLIST-TYPE:VOD\n");
        }
        var target = segments.Count == 0
            ? targetDuration
            : Math.Max(targetDuration, (int)Math.Round(segments.Max(s => s.Duration), MidpointRounding.AwayFromZero));
        sb.Append(CultureInfo.InvariantCulture, $"#EXT-X-TARGETDURATION:{target}\n");
        sb.Append(CultureInfo.InvariantCulture, $"#EXT-X-MEDIA-SEQUENCE:{(segments.Count > 0 ? segments[0].Sequence : 0)}\n");
        if (discontinuitySequence > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"#EXT-X-DISCONTINUITY-SEQUENCE:{discontinuitySequence}\n");
        }
        foreach (var segment in segments)
        {
            if (segment.Discontinuity)
            {
                sb.Append("#EXT-X-DISCONTINUITY\n");
            }
            if (segment.ProgramDateMs > 0)
            {
                // Wall-clock time of the segment's first frame: what players show as the live time and clip by.
                sb.Append(CultureInfo.InvariantCulture,
                    $"#EXT-X-PROGRAM-DATE-TIME:{DateTimeOffset.FromUnixTimeMilliseconds(segment.ProgramDateMs).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\n");
            }
            if (segment.Gap)
            {
                sb.Append("#EXT-X-GAP\n");
            }
            sb.Append(CultureInfo.InvariantCulture, $"#EXTINF:{segment.Duration:0.000},\n{segment.Uri}\n");
        }
        if (ended)
        {
            sb.Append("#EXT-X-ENDLIST\n");
        }
        return sb.ToString();
    }

    /// <param name="firstAsGiven">Keep the first variant first (players such as Safari start on the first one listed);
    /// the rest are listed by bandwidth, highest first.</param>
    public static string Master(IReadOnlyList<HlsVariant> variants, bool firstAsGiven = false)
    {
        var sb = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n");
        var ordered = firstAsGiven && variants.Count > 0
            ? variants.Take(1).Concat(variants.Skip(1).OrderByDescending(v => v.Bandwidth))
            : variants.OrderByDescending(v => v.Bandwidth);
        foreach (var v in ordered)
        {
            sb.Append(CultureInfo.InvariantCulture, $"#EXT-X-STREAM-INF:BANDWIDTH={Math.Max(1, v.Bandwidth)}");
            if (v.Width is { } w && v.Height is { } h)
            {
                sb.Append(CultureInfo.InvariantCulture, $",RESOLUTION={w}x{h}");
            }
            if (v.Codecs is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $",CODECS=\"{v.Codecs}\"");
            }
            if (v.FrameRate is { } fps and > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $",FRAME-RATE={fps:0.000}");
            }
            sb.Append('\n').Append(v.Uri).Append('\n');
        }
        return sb.ToString();
    }
}
