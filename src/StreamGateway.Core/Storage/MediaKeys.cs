using System.Globalization;

namespace StreamGateway.Core.Storage;

/// <summary>
/// Every object key in the segment store is made here, so the layout of stored media has one home:
/// <code>
/// live/{playbackId}/{rendition}/{session12}_{index}.ts   a live session's segments, source and renditions alike
/// assets/{assetId}/source                                 an uploaded or imported asset's source file
/// vod/{playbackId}/index.m3u8                             a finished asset's (or recording's) master playlist
/// vod/{playbackId}/{rendition}/index.m3u8, …/{seq}.ts     its media playlists and segments
/// vod/{playbackId}/static{name}.mp4                       its static MP4 downloads
/// vod/{playbackId}/thumbnails/{n}.jpg, …/thumbnails.vtt   its thumbnails and their WebVTT index
/// evidence/{id}/{file}                                    files kept as evidence of an orchestrator's bad work
/// </code>
/// A live segment's file name doubles as its URI in the rendition's media playlist.
/// </summary>
public static class MediaKeys
{
    public const string ThumbnailsVtt = "thumbnails/thumbnails.vtt";
    public const string FirstThumbnail = "thumbnails/1.jpg";

    /// <summary>A live segment in a rendition's folder; <paramref name="file"/> is its playlist URI.</summary>
    public static string Live(string playbackId, string rendition, string file) => $"live/{playbackId}/{rendition}/{file}";

    /// <summary>Segment <paramref name="index"/> of a live session, in any rendition.</summary>
    public static string Live(string playbackId, string rendition, Guid sessionId, long index) =>
        Live(playbackId, rendition, LiveFile(sessionId, index));

    /// <summary>A live segment's file name (and playlist URI): <c>{last 12 hex of the session id}_{index}.ts</c>.</summary>
    public static string LiveFile(Guid sessionId, long index) =>
        string.Create(CultureInfo.InvariantCulture, $"{sessionId.ToString("N")[^12..]}_{index}.ts");

    /// <summary>The index in a file name made by <see cref="LiveFile"/>; -1 when it is not one.</summary>
    public static long LiveFileIndex(string fileName)
    {
        var underscore = fileName.LastIndexOf('_');
        var dot = fileName.LastIndexOf('.');
        return underscore >= 0 && dot > underscore &&
               long.TryParse(fileName.AsSpan(underscore + 1, dot - underscore - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            ? i
            : -1;
    }

    public static string AssetFolder(Guid assetId) => $"assets/{assetId:N}";
    public static string AssetInput(Guid assetId) => $"{AssetFolder(assetId)}/source";

    /// <summary>The pieces of an unfinished resumable upload, each named by the offset it starts at.</summary>
    public static string UploadPieces(Guid assetId) => $"{AssetFolder(assetId)}/upload";

    public static string UploadPiece(Guid assetId, long offset) =>
        string.Create(CultureInfo.InvariantCulture, $"{UploadPieces(assetId)}/{offset:D15}");

    /// <summary>Everything a finished asset serves.</summary>
    public static string Vod(string playbackId) => $"vod/{playbackId}";

    /// <summary>A file of a finished asset by its path under <see cref="Vod"/> (as the HLS URL names it).</summary>
    public static string Vod(string playbackId, string path) => $"{Vod(playbackId)}/{path}";

    public static string VodMaster(string playbackId) => Vod(playbackId, "index.m3u8");
    public static string VodMedia(string playbackId, string rendition) => Vod(playbackId, $"{rendition}/index.m3u8");
    public static string VodSegment(string playbackId, string rendition, long seq) =>
        Vod(playbackId, string.Create(CultureInfo.InvariantCulture, $"{rendition}/{seq}.ts"));
    public static string VodThumbnail(string playbackId, int n) => Vod(playbackId, string.Create(CultureInfo.InvariantCulture, $"thumbnails/{n}.jpg"));
    public static string VodThumbnailsVtt(string playbackId) => Vod(playbackId, ThumbnailsVtt);

    public static string Evidence(string id, string file) => $"evidence/{id}/{file}";
}
