using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
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

    private static async Task<IResult> MasterAsync(string playbackId, HttpContext http, LivePlaylists playlists)
    {
        var text = Id().IsMatch(playbackId) ? await playlists.MasterAsync(playbackId) : null;
        return Playlist(http, text);
    }

    private static async Task<IResult> MediaAsync(string playbackId, string rendition, HttpContext http, LivePlaylists playlists)
    {
        var text = Id().IsMatch(playbackId) && Id().IsMatch(rendition) ? await playlists.MediaAsync(playbackId, rendition) : null;
        return Playlist(http, text);
    }

    private static IResult Playlist(HttpContext http, string? text)
    {
        Cors(http);
        if (text is null)
        {
            return NotFound(http);
        }
        http.Response.Headers.CacheControl = "public, max-age=1";
        return TypedResults.Text(text, HlsPlaylist.ContentType);
    }

    private static async Task<IResult> SegmentAsync(string playbackId, string rendition, string segment, HttpContext http,
        ISegmentStore store, CancellationToken ct)
    {
        Cors(http);
        if (!Id().IsMatch(playbackId) || !Id().IsMatch(rendition) || !SegmentName().IsMatch(segment))
        {
            return NotFound(http);
        }
        var stream = await store.OpenReadAsync(SegmentKey(playbackId, rendition, segment), ct);
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

    [GeneratedRegex("^[0-9a-z_]{1,64}\\.ts$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentName();
}
