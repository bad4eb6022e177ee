using System.Globalization;
using System.Text.Json;

namespace StreamGateway.Media.Ffmpeg;

/// <summary>The facts of a media file that the gateway uses, read from ffprobe's JSON.</summary>
public sealed record MediaProbe(
    string? VideoCodec, int? Width, int? Height, double? FrameRate, string? AudioCodec, double? Duration, double? StartTime = null)
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
        if (doc.RootElement.TryGetProperty("streams", out var streams))
        {
            foreach (var s in streams.EnumerateArray())
            {
                var type = s.TryGetProperty("codec_type", out var t) ? t.GetString() : null;
                var codec = s.TryGetProperty("codec_name", out var c) ? c.GetString() : null;
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
        if (doc.RootElement.TryGetProperty("format", out var format))
        {
            duration = Seconds(format, "duration");
            startTime = Seconds(format, "start_time");
        }
        return new MediaProbe(videoCodec, width, height, fps, audioCodec, duration, startTime);
    }

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
