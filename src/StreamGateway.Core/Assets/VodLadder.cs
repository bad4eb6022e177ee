using System.Globalization;
using System.Text.Json;
using StreamGateway.Core.Http;
using StreamGateway.Core.Streams;
using StreamGateway.Network.Transport;
using StreamGateway.Core.Transcoding;

namespace StreamGateway.Core.Assets;

/// <summary>
/// The renditions of an asset (studio-api §6.2). Without requested profiles: 360p0 (≤ 1 Mbps) and 720p0 (≤ 4 Mbps),
/// each only when smaller than the source in size and bitrate, at min(its bitrate, 1.2 × pixel ratio × source
/// bitrate); plus a source-size rendition at min(1.2 × source bitrate, 288 Mbps). Portrait sources get portrait
/// boxes. Requested profiles are used as given, a missing size meaning the source's. Pure.
/// </summary>
public static class VodLadder
{
    private const long MaxSourceBitrate = 288_000_000;

    public static List<Rendition> For(string? profilesJson, int sourceWidth, int sourceHeight, long sourceBitrate)
    {
        var portrait = sourceHeight > sourceWidth;
        if (profilesJson is not null && JsonSerializer.Deserialize<List<FfmpegProfile>>(profilesJson, GatewayJson.Options) is { Count: > 0 } asked)
        {
            return asked.Select((p, i) =>
            {
                var width = Even(p.Width ?? sourceWidth);
                var height = Even(p.Height ?? sourceHeight);
                return new Rendition(p.Name ?? $"{Math.Min(width, height)}p{i}", width, height, p.Bitrate ?? 1_000_000, p.Fps ?? 0,
                    p.FpsDen ?? 1);
            }).ToList();
        }

        var shortSide = Math.Min(sourceWidth, sourceHeight);
        var sourcePixels = (double)sourceWidth * sourceHeight;
        var ladder = new List<Rendition>();
        foreach (var (name, w, h, bitrate) in new[] { ("360p0", 640, 360, 1_000_000L), ("720p0", 1280, 720, 4_000_000L) })
        {
            if (h >= shortSide || (sourceBitrate > 0 && bitrate >= sourceBitrate))
            {
                continue;
            }
            var (bw, bh) = portrait ? (h, w) : (w, h);
            var scaled = sourceBitrate > 0 ? (long)(1.2 * (bw * (double)bh / sourcePixels) * sourceBitrate) : bitrate;
            ladder.Add(new Rendition(name, bw, bh, (int)Math.Max(100_000, Math.Min(bitrate, scaled))));
        }
        var sourceRate = sourceBitrate > 0 ? Math.Min((long)(1.2 * sourceBitrate), MaxSourceBitrate) : 6_000_000;
        ladder.Add(new Rendition($"{shortSide}p0", Even(sourceWidth), Even(sourceHeight), (int)Math.Max(100_000, sourceRate)));
        return ladder;
    }

    /// <summary>
    /// Requested profiles are checked when the asset is created, but a size or rate left out is the source's, known only
    /// once it is probed: null when every rendition keeps within the limits, else the message naming the profile.
    /// </summary>
    public static string? CheckRequested(IReadOnlyList<Rendition> ladder, double? sourceFps, MediaLimitsOptions limits)
    {
        for (var i = 0; i < ladder.Count; i++)
        {
            var r = ladder[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"profiles[{i}]");
            if (StreamRules.CheckProfilePixels(r.Width, r.Height, at, limits) is { } large)
            {
                return large;
            }
            var fps = r.Fps > 0 ? (double)r.Fps / Math.Max(1, r.FpsDen)
                : sourceFps is { } f and > 0 ? Math.Min(f, limits.MaxProfileFps) : StreamRules.AssumedSourceFps;
            if (StreamRules.CheckBitrateFloor(r.BitrateBps, r.Width, r.Height, fps, intra: false, at, limits) is { } low)
            {
                return low;
            }
        }
        return null;
    }

    private static int Even(int size) => Math.Max(2, size / 2 * 2);
}
