using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Storage;
using StreamGateway.Core.Live;
using StreamGateway.Media.Hls;

namespace StreamGateway.Core.Playback;

/// <summary>
/// Viewer-facing HLS: <c>/hls/{playbackId}/index.m3u8</c> (master), <c>/hls/{playbackId}/{rendition}/index.m3u8</c>
/// (live media playlist) and the segments. Playlists are cached for a second, segments forever (they never change).
/// A suspended stream's playlists and segments answer 404 (<see cref="PlaybackGate"/>). A playlist a stream will have
/// but does not yet (before it goes live, a rendition before its first segment) is held for a few seconds
/// (<see cref="PlaylistWaits"/>), then answered 503 with Retry-After.
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
        hls.MapMethods("/{playbackId}/{file}", ["GET", "HEAD"], DownloadAsync); // downloads answer HEAD too, for their size
        return app;
    }

    public static IServiceCollection AddPlayback(this IServiceCollection services) =>
        services.AddSingleton<PlaybackGate>().AddSingleton<PlaylistWaits>();

    private static async Task<IResult> MasterAsync(string playbackId, HttpContext http, LivePlaylists playlists,
        IMemoryCache cache, IOptions<HlsOptions> options, ISegmentStore store, PlaybackGate gate, PlaylistWaits waits, CancellationToken ct)
    {
        if (!Id().IsMatch(playbackId))
        {
            return Playlist(http, null);
        }
        var verdict = await gate.VerdictAsync(playbackId, ct);
        return verdict == PlaybackVerdict.Blocked ? Playlist(http, null) : await CachedAsync(http, cache, options.Value, $"hls:{playbackId}",
            () => waits.HoldAsync(playbackId, async () =>
            {
                var live = await playlists.MasterAsync(playbackId);
                if (live.Text is not null || live.Pending)
                {
                    return live;
                }
                // No live state: a stream that has not gone live (yet, or for a day), which has no stored playlist to
                // look for while it is held, or a finished asset's master.
                return verdict == PlaybackVerdict.Stream ? LivePlaylist.NotYet
                    : new LivePlaylist(await StoredTextAsync(store, MediaKeys.VodMaster(playbackId), ct), false);
            }, ct));
    }

    private static async Task<IResult> MediaAsync(string playbackId, string rendition, HttpContext http, LivePlaylists playlists,
        IMemoryCache cache, IOptions<HlsOptions> options, ISegmentStore store, PlaybackGate gate, PlaylistWaits waits, CancellationToken ct)
    {
        if (!Id().IsMatch(playbackId) || !Streams.StreamRules.IsRenditionName(rendition) || await gate.IsBlockedAsync(playbackId, ct))
        {
            return Playlist(http, null);
        }
        return await CachedAsync(http, cache, options.Value, $"hls:{playbackId}:{rendition}", () => waits.HoldAsync(playbackId, async () =>
        {
            var live = await playlists.MediaAsync(playbackId, rendition);
            return live.Text is not null || live.Pending ? live
                : new LivePlaylist(await StoredTextAsync(store, MediaKeys.VodMedia(playbackId, rendition), ct), false);
        }, ct));
    }

    /// <summary>A finished asset's playlist, written once into the store when it became ready.</summary>
    private static async Task<string?> StoredTextAsync(ISegmentStore store, string key, CancellationToken ct)
    {
        await using var stream = await store.OpenReadAsync(key, ct);
        if (stream is null)
        {
            return null;
        }
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(ct);
    }

    /// <summary>
    /// The playlist as UTF-8 from this node's micro-cache, or rendered (from Redis or the store) and cached; one the
    /// stream will have but does not yet answers 503 with Retry-After, which players retry, and one nobody has 404.
    /// </summary>
    private static async Task<IResult> CachedAsync(HttpContext http, IMemoryCache cache, HlsOptions options, string key,
        Func<Task<LivePlaylist>> render)
    {
        if (!cache.TryGetValue(key, out byte[]? bytes))
        {
            var playlist = await render();
            if (playlist.Pending)
            {
                Cors(http);
                http.Response.Headers.CacheControl = "no-cache";
                http.Response.Headers.RetryAfter = "1";
                return TypedResults.Text("not live yet: try again in a second\n", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            bytes = playlist.Text is null ? null : System.Text.Encoding.UTF8.GetBytes(playlist.Text);
            if (bytes is not null && options.PlaylistCacheMilliseconds > 0)
            {
                cache.Set(key, bytes, TimeSpan.FromMilliseconds(options.PlaylistCacheMilliseconds));
            }
        }
        return Playlist(http, bytes);
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
        ISegmentStore store, PlaybackGate gate, CancellationToken ct)
    {
        Cors(http);
        if (!Id().IsMatch(playbackId) || !Streams.StreamRules.IsRenditionName(rendition) || !SegmentName().IsMatch(segment) ||
            await gate.IsBlockedAsync(playbackId, ct))
        {
            return NotFound(http);
        }
        // Live segments first, then a finished asset's files (its segments, thumbnails and their WebVTT index).
        var contentType = segment.EndsWith(".jpg", StringComparison.Ordinal) ? "image/jpeg"
            : segment.EndsWith(".vtt", StringComparison.Ordinal) ? "text/vtt"
            : SegmentContentType;
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return await StoredFileAsync(http, store, contentType, ct, MediaKeys.Live(playbackId, rendition, segment),
            MediaKeys.Vod(playbackId, $"{rendition}/{segment}"));
    }

    /// <summary>A finished asset's static MP4s (<c>/hls/{playbackId}/static360p0.mp4</c>), with range requests for seeking.</summary>
    private static async Task<IResult> DownloadAsync(string playbackId, string file, HttpContext http, ISegmentStore store, CancellationToken ct)
    {
        Cors(http);
        if (!Id().IsMatch(playbackId) || !Mp4Name().IsMatch(file))
        {
            return NotFound(http);
        }
        return await StoredFileAsync(http, store, "video/mp4", ct, MediaKeys.Vod(playbackId, file));
    }

    /// <summary>The first of <paramref name="keys"/> that exists, straight from disk with range support when the store is local.</summary>
    private static async Task<IResult> StoredFileAsync(HttpContext http, ISegmentStore store, string contentType, CancellationToken ct,
        params string[] keys)
    {
        foreach (var key in keys)
        {
            if (store is ILocalSegmentFiles files)
            {
                // (An in-memory copy of hot segments measured no faster: the cost is Kestrel's copy into the socket,
                // which nginx avoids with sendfile; see BENCHMARKS.md.)
                if (files.LocalPath(key) is { } path)
                {
                    return TypedResults.PhysicalFile(path, contentType, enableRangeProcessing: true);
                }
            }
            else if (await store.OpenReadAsync(key, ct) is { } stream)
            {
                return TypedResults.Stream(stream, contentType);
            }
        }
        return NotFound(http);
    }

    private static IResult NotFound(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Text("not found\n", "text/plain", statusCode: StatusCodes.Status404NotFound);
    }

    private static void Cors(HttpContext http) => http.Response.Headers.AccessControlAllowOrigin = "*";

    [GeneratedRegex("^[0-9a-z]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Id();

    [GeneratedRegex("^[0-9a-z_]{1,64}\\.(ts|jpg|vtt)$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentName();

    [GeneratedRegex("^static[0-9A-Za-z_-]{1,64}\\.mp4$", RegexOptions.CultureInvariant)]
    private static partial Regex Mp4Name();
}
