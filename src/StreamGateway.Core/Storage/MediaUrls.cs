namespace StreamGateway.Core.Storage;

/// <summary>
/// Where viewers fetch stored media: <c>/hls/{playbackId}/…</c> serves a live stream's playlists and segments and a
/// finished asset's files by the same path they have under <see cref="MediaKeys.Vod(string)"/>.
/// </summary>
public static class MediaUrls
{
    public static string Playlist(string baseUrl, string playbackId) => $"{baseUrl}/hls/{playbackId}/index.m3u8";

    /// <summary>A finished asset's file (an MP4 download, the thumbnails' WebVTT index) by its path under its folder.</summary>
    public static string File(string baseUrl, string playbackId, string path) => $"{baseUrl}/hls/{playbackId}/{path}";
}
