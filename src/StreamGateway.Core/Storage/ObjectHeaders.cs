namespace StreamGateway.Core.Storage;

/// <summary>
/// What an object store says about an object when it is served straight to viewers (a public bucket or a CDN in front
/// of it, <c>Hls:SegmentBaseUrl</c>): its media type, and that segments, thumbnails and MP4s never change.
/// </summary>
public static class ObjectHeaders
{
    public static string ContentType(string key) => Path.GetExtension(key) switch
    {
        ".ts" => "video/mp2t",
        ".m3u8" => "application/vnd.apple.mpegurl",
        ".mp4" => "video/mp4",
        ".m4s" => "video/iso.segment",
        ".jpg" => "image/jpeg",
        ".vtt" => "text/vtt",
        _ => "application/octet-stream",
    };

    /// <summary>Immutable media gets a year; playlists and anything else are not cached downstream.</summary>
    public static string CacheControl(string key) => Path.GetExtension(key) is ".ts" or ".m4s" or ".mp4" or ".jpg"
        ? "public, max-age=31536000, immutable"
        : "no-cache";
}
