using System.Globalization;
using System.Text.Json;

namespace StreamGateway.Media.Ffmpeg;

/// <summary>The facts of a media file that the gateway uses, read from ffprobe's JSON.</summary>
public sealed record MediaProbe(
    string? VideoCodec, int? Width, int? Height, double? FrameRate, string? AudioCodec, double? Duration, double? StartTime = null,
    string? FormatName = null, long? Bitrate = null, IReadOnlyList<MediaTrack>? Tracks = null)
{
    public bool HasVideo => VideoCodec is not null;
    public bool HasAudio => AudioCodec is not null;

    /// <summary>Parses <c>ffprobe -print_format json -show_streams -show_format</c> output. Pure.</summary>
    public static MediaProbe Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        string? videoCodec = null, audioCodec = null;
        int? width = null, height = null;
        double? fps = null, duration = null, startTime = null;
        var tracks = new List<MediaTrack>();
        if (doc.RootElement.TryGetProperty("streams", out var streams))
        {
            foreach (var s in streams.EnumerateArray())
            {
                var type = s.TryGetProperty("codec_type", out var t) ? t.GetString() : null;
                var codec = s.TryGetProperty("codec_name", out var c) ? c.GetString() : null;
                if (type is "video" or "audio" && codec is not null)
                {
                    tracks.Add(new MediaTrack(type, codec, Seconds(s, "start_time"), Seconds(s, "duration"), Whole(s, "bit_rate"),
                        type == "video" && s.TryGetProperty("width", out var tw) ? tw.GetInt32() : null,
                        type == "video" && s.TryGetProperty("height", out var th) ? th.GetInt32() : null,
                        s.TryGetProperty("pix_fmt", out var pf) ? pf.GetString() : null,
                        type == "video" ? Rate(s, "avg_frame_rate") ?? Rate(s, "r_frame_rate") : null,
                        s.TryGetProperty("channels", out var ch) ? ch.GetInt32() : null,
                        (int?)Whole(s, "sample_rate"),
                        (int?)Whole(s, "bits_per_raw_sample")));
                }
                if (type == "video" && videoCodec is null)
                {
                    videoCodec = codec;
                    width = s.TryGetProperty("width", out var w) ? w.GetInt32() : null;
                    height = s.TryGetProperty("height", out var h) ? h.GetInt32() : null;
                    fps = Rate(s, "avg_frame_rate") ?? Rate(s, "r_frame_rate");
                }
                else if (type == "audio" && audioCodec is null)
                {
                    audioCodec = codec;
                }
            }
        }
        string? formatName = null;
        long? bitrate = null;
        if (doc.RootElement.TryGetProperty("format", out var format))
        {
            duration = Seconds(format, "duration");
            startTime = Seconds(format, "start_time");
            formatName = format.TryGetProperty("format_name", out var fn) ? fn.GetString() : null;
            bitrate = Whole(format, "bit_rate");
        }
        return new MediaProbe(videoCodec, width, height, fps, audioCodec, duration, startTime, formatName, bitrate, tracks);
    }

    /// <summary>ffprobe writes most numbers as strings ("128000"); "N/A" or absent means unknown.</summary>
    private static long? Whole(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String &&
        long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    private static double? Seconds(JsonElement format, string name)
    {
        return format.TryGetProperty(name, out var value) &&
               double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : null;
    }

    /// <summary>ffprobe rates are fractions such as "30000/1001"; "0/0" means unknown.</summary>
    private static double? Rate(JsonElement stream, string name)
    {
        if (!stream.TryGetProperty(name, out var value) || value.GetString() is not { } text)
        {
            return null;
        }
        var parts = text.Split('/');
        if (parts.Length == 2 &&
            double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var num) &&
            double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var den) && den > 0 && num > 0)
        {
            return Math.Round(num / den, 3);
        }
        return null;
    }
}
