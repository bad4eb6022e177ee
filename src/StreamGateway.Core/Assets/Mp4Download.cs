using System.Text.Json;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Assets;

/// <summary>One static MP4 download of an asset, as stored in its <c>Mp4s</c> column.</summary>
public sealed record Mp4Download(string Name, int Width, int Height, long Bitrate, long Size)
{
    /// <summary>An asset's static MP4s, highest bitrate first.</summary>
    public static List<Mp4Download> Of(Asset a) => a.Mp4s is null
        ? []
        : (JsonSerializer.Deserialize<List<Mp4Download>>(a.Mp4s, GatewayJson.Options) ?? []).OrderByDescending(m => m.Bitrate).ToList();
}
