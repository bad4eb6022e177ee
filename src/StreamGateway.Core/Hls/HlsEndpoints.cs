using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Storage;

namespace StreamGateway.Core.Hls;

/// <summary>
/// Viewer-facing HLS: <c>/hls/{playbackId}/index.m3u8</c> (master), <c>/hls/{playbackId}/{rendition}/index.m3u8</c>
/// (live media playlist) and the segments. Playlists are cached for a second, segments forever (they never change).
/// </summary>
public static partial class HlsEndpoints
{
    public const string SegmentContentType = "video/mp2t";

    public static WebApplication MapHls(this WebApplication app)
    {
        var hls = app.MapGroup("/hls").WithTags("HLS playback").ExcludeFromDescription();
        hls.MapGet("/{playbackId}/index.m3u8", MasterAsync);
        hls.MapGet("/{playbackId}/{rendition}/index.m3u8", MediaAsync);
        hls.MapGet("/{playbackId}/{rendition}/{segment}", SegmentAsync);
        return app;
    }

    /// <summary>The store key of a live segment; the URI in the playlist is relative to the rendition's folder.</summary>
    public static string SegmentKey(string playbackId, string rendition, string segment) => $"live/{playbackId}/{rendition}/{segment}";

    private static async Task<IResult> MasterAsync(string playbackId, HttpContext http, LivePlaylists playlists,
        IMemoryCache cache, IOptions<HlsOptions> options)
    {
        var text = Id().IsMatch(playbackId)
            ? await CachedAsync(cache, options.Value, $"hls:{playbackId}", () => playlists.MasterAsync(playbackId))
            : null;
        return Playlist(http, text);
    }

    private static async Task<IResult> MediaAsync(string playbackId, string rendition, HttpContext http, LivePlaylists playlists,
        IMemoryCache cache, IOptions<HlsOptions> options)
    {
        var text = Id().IsMatch(playbackId) && RenditionName().IsMatch(rendition)
            ? await CachedAsync(cache, options.Value, $"hls:{playbackId}:{rendition}", () => playlists.MediaAsync(playbackId, rendition))
            : null;
        return Playlist(http, text);
    }

    /// <summary>The rendered playlist as UTF-8, from this node's micro-cache or from Redis.</summary>
    private static async Task<byte[]?> CachedAsync(IMemoryCache cache, HlsOptions options, string key, Func<Task<string?>> render)
    {
        if (cache.TryGetValue(key, out byte[]? bytes))
        {
            return bytes;
        }
        var text = await render();
        bytes = text is null ? null : System.Text.Encoding.UTF8.GetBytes(text);
        if (bytes is not null && options.PlaylistCacheMilliseconds > 0)
        {
            cache.Set(key, bytes, TimeSpan.FromMilliseconds(options.PlaylistCacheMilliseconds));
        }
        return bytes;
    }

    private static IResult Playlist(HttpContext http, byte[]? bytes)
    {
        Cors(http);
        if (bytes is null)
        {
            return NotFound(http);
        }
        http.Response.Headers.CacheControl = "public, max-age=1";
        return TypedResults.Bytes(bytes, HlsPlaylist.ContentType);
    }

    private static async Task<IResult> SegmentAsync(string playbackId, string rendition, string segment, HttpContext http,
        ISegmentStore store, CancellationToken ct)
    {
        Cors(http);
        if (!Id().IsMatch(playbackId) || !RenditionName().IsMatch(rendition) || !SegmentName().IsMatch(segment))
        {
            return NotFound(http);
        }
        var key = SegmentKey(playbackId, rendition, segment);
        if (store is ILocalSegmentFiles files)
        {
            // Straight from the file, with range support. (An in-memory copy of hot segments measured no faster:
            // the cost is Kestrel's copy into the socket, which nginx avoids with sendfile; see BENCHMARKS.md.)
            var path = files.LocalPath(key);
            if (path is null)
            {
                return NotFound(http);
            }
            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return TypedResults.PhysicalFile(path, SegmentContentType, enableRangeProcessing: true);
        }
        var stream = await store.OpenReadAsync(key, ct);
        if (stream is null)
        {
            return NotFound(http);
        }
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return TypedResults.Stream(stream, SegmentContentType);
    }

    private static IResult NotFound(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Text("not found\n", "text/plain", statusCode: StatusCodes.Status404NotFound);
    }

    private static void Cors(HttpContext http) => http.Response.Headers.AccessControlAllowOrigin = "*";

    [GeneratedRegex("^[0-9a-z]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Id();

    /// <summary>"source" or a profile name (see LiveLadder).</summary>
    [GeneratedRegex("^[0-9A-Za-z_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex RenditionName();

    [GeneratedRegex("^[0-9a-z_]{1,64}\\.ts$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentName();
}
