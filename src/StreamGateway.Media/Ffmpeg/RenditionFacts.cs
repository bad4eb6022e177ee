using System.Globalization;
using System.Text.Json;
using StreamGateway.Media.Ts;

namespace StreamGateway.Media.Ffmpeg;

/// <summary>What a rendition holds: from a full decode (<see cref="Parse"/> of <see cref="FfmpegArguments.InspectRendition"/>'s JSON) or read from its bytes (<see cref="Read"/>).</summary>
public sealed record RenditionFacts(
    string? VideoCodec, string? VideoProfile, int VideoLevel, int Width, int Height, long Frames, double? Duration,
    string? AudioCodec, string? AudioProfile)
{
    /// <summary>Decoded pixels, as go-B counts them: width × height × frames.</summary>
    public long Pixels => (long)Width * Height * Frames;

    /// <summary>The RFC 6381 codec list for an HLS CODECS attribute, e.g. <c>avc1.64001f,mp4a.40.2</c>.</summary>
    public string? Codecs
    {
        get
        {
            var list = new List<string>(2);
            if (VideoCodec == "h264" && VideoLevel > 0)
            {
                var (profileIdc, constraints) = VideoProfile switch
                {
                    "Constrained Baseline" => (0x42, 0xC0),
                    "Baseline" => (0x42, 0x00),
                    "Main" => (0x4D, 0x40),
                    "High" => (0x64, 0x00),
                    "Constrained High" => (0x64, 0x0C),
                    "High 10" => (0x6E, 0x00),
                    _ => (0, 0),
                };
                if (profileIdc != 0)
                {
                    list.Add(string.Create(CultureInfo.InvariantCulture, $"avc1.{profileIdc:x2}{constraints:x2}{VideoLevel:x2}"));
                }
            }
            if (AudioCodec == "aac")
            {
                list.Add(AudioProfile is "HE-AAC" ? "mp4a.40.5" : AudioProfile is "HE-AACv2" ? "mp4a.40.29" : "mp4a.40.2");
            }
            return list.Count > 0 ? string.Join(',', list) : null;
        }
    }

    /// <summary>
    /// The facts as read from an MPEG-TS file's bytes by <see cref="MpegTsVideo"/>, without decoding: codec and size
    /// from the SPS, frames from the access units, the duration from the presentation times, named as ffprobe names
    /// them so that both readings compare.
    /// </summary>
    /// <exception cref="InvalidDataException">Not MPEG-TS, no H.264 stream, or no readable SPS.</exception>
    public static RenditionFacts Read(ReadOnlySpan<byte> ts)
    {
        var v = MpegTsVideo.Read(ts);
        var profile = v.ProfileIdc switch
        {
            66 => (v.ConstraintFlags & 0x40) != 0 ? "Constrained Baseline" : "Baseline",
            77 => "Main",
            88 => "Extended",
            100 => "High",
            110 => (v.ConstraintFlags & 0x10) != 0 ? "High 10 Intra" : "High 10",
            122 => (v.ConstraintFlags & 0x10) != 0 ? "High 4:2:2 Intra" : "High 4:2:2",
            244 => (v.ConstraintFlags & 0x10) != 0 ? "High 4:4:4 Intra" : "High 4:4:4 Predictive",
            _ => null,
        };
        var audioProfile = v.AudioCodec != "aac" ? null : v.AudioObjectType switch
        {
            1 => "Main",
            2 => "LC",
            3 => "SSR",
            4 => "LTP",
            _ => null,
        };
        return new RenditionFacts("h264", profile, v.Level, v.Width, v.Height, v.Frames, v.Frames > 0 ? v.FileSeconds : null, v.AudioCodec, audioProfile);
    }

    public static RenditionFacts Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        string? videoCodec = null, videoProfile = null, audioCodec = null, audioProfile = null;
        int level = 0, width = 0, height = 0;
        long frames = 0;
        if (doc.RootElement.TryGetProperty("streams", out var streams))
        {
            foreach (var s in streams.EnumerateArray())
            {
                var type = Text(s, "codec_type");
                if (type == "video" && videoCodec is null)
                {
                    videoCodec = Text(s, "codec_name");
                    videoProfile = Text(s, "profile");
                    level = Int(s, "level");
                    width = Int(s, "width");
                    height = Int(s, "height");
                    frames = long.TryParse(Text(s, "nb_read_frames"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                        ? n
                        : s.TryGetProperty("nb_read_frames", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt64() : 0;
                }
                else if (type == "audio" && audioCodec is null)
                {
                    audioCodec = Text(s, "codec_name");
                    audioProfile = Text(s, "profile");
                }
            }
        }
        double? duration = doc.RootElement.TryGetProperty("format", out var format) &&
                           double.TryParse(Text(format, "duration"), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : null;
        return new RenditionFacts(videoCodec, videoProfile, level, width, height, frames, duration, audioCodec, audioProfile);
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v)
        ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ValueKind == JsonValueKind.Number ? v.GetRawText() : null
        : null;

    private static int Int(JsonElement e, string name) =>
        int.TryParse(Text(e, name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
}
