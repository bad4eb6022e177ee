using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Storage;
using StreamGateway.Core.Live;
using StreamGateway.Core.AccessControl;
using StreamGateway.Core.Http;
using StreamGateway.Media.Hls;

namespace StreamGateway.Core.Playback;

/// <summary>
/// Viewer-facing HLS: <c>/hls/{playbackId}/index.m3u8</c> (master), <c>/hls/{playbackId}/{rendition}/index.m3u8</c>
/// (live media playlist) and the segments. Playlists are cached for a second, segments forever (they never change).
/// A suspended or deleted stream's or asset's files answer 404 (<see cref="PlaybackGate"/>); gated content needs a
/// viewer's credential, and its playlists carry a grant in every child URL (<see cref="PlaybackAccess"/>). A playlist a stream will have
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
        hls.MapMethods("/{**path}", ["OPTIONS"], Preflight);
        return app;
    }

    public static IServiceCollection AddPlayback(this IServiceCollection services)
    {
        services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section);
        return services.AddSingleton<PlaybackGate>().AddSingleton<PlaylistWaits>().AddSingleton<PlaybackAccess>().AddAccessControl();
    }

    private static async Task<IResult> MasterAsync(string playbackId, HttpContext http, LivePlaylists playlists,
        IMemoryCache cache, IOptions<HlsOptions> options, ISegmentStore store, PlaybackGate gate, PlaybackAccess access,
        PlaylistWaits waits, CancellationToken ct)
    {
        if (!Id().IsMatch(playbackId))
        {
            return Playlist(http, null, PlaybackAccess.Public);
        }
        var admission = await LetInAsync(http, playbackId, gate, access, ct);
        if (admission.Refusal is { } refusal)
        {
            return refusal;
        }
        var key = "hls:" + playbackId;
        return cache.TryGetValue(key, out byte[]? bytes) ? Playlist(http, bytes, admission.Access)
            : await RenderedAsync(http, cache, options.Value, admission.Access, key, RenderMaster(playbackId, admission.Target.Verdict, playlists, store, waits, ct));
    }

    /// <summary>A master playlist as it is now: the live one, or a finished asset's from the store.</summary>
    private static Func<Task<LivePlaylist>> RenderMaster(string playbackId, PlaybackVerdict verdict, LivePlaylists playlists, ISegmentStore store,
        PlaylistWaits waits, CancellationToken ct) =>
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
        }, ct);

    private static async Task<IResult> MediaAsync(string playbackId, string rendition, HttpContext http, LivePlaylists playlists,
        IMemoryCache cache, IOptions<HlsOptions> options, ISegmentStore store, PlaybackGate gate, PlaybackAccess access,
        PlaylistWaits waits, CancellationToken ct)
    {
        if (!Id().IsMatch(playbackId) || !Streams.StreamRules.IsRenditionName(rendition))
        {
            return Playlist(http, null, PlaybackAccess.Public);
        }
        var admission = await LetInAsync(http, playbackId, gate, access, ct);
        if (admission.Refusal is { } refusal)
        {
            return refusal;
        }
        // Public content's segments may come from a CDN or bucket (Hls:SegmentBaseUrl); its playlists are cached apart.
        var o = options.Value;
        var elsewhere = admission.Access.Grant is null && !string.IsNullOrEmpty(o.SegmentBaseUrl);
        var key = elsewhere ? $"hls:{playbackId}:{rendition}:base" : $"hls:{playbackId}:{rendition}";
        return cache.TryGetValue(key, out byte[]? bytes) ? Playlist(http, bytes, admission.Access)
            : await RenderedAsync(http, cache, o, admission.Access, key, RenderMedia(playbackId, rendition, elsewhere, o, playlists, store, waits, ct));
    }

    /// <summary>A media playlist as it is now: live from Redis, or a finished asset's from the store.</summary>
    private static Func<Task<LivePlaylist>> RenderMedia(string playbackId, string rendition, bool elsewhere, HlsOptions o, LivePlaylists playlists,
        ISegmentStore store, PlaylistWaits waits, CancellationToken ct) =>
        () => waits.HoldAsync(playbackId, async () =>
        {
            var live = await playlists.MediaAsync(playbackId, rendition);
            if (live.Pending)
            {
                return live;
            }
            var (text, isLive) = live.Text is not null ? (live.Text, true)
                : (await StoredTextAsync(store, MediaKeys.VodMedia(playbackId, rendition), ct), false);
            return new LivePlaylist(elsewhere ? PublicSegmentUrls.Apply(o, text, playbackId, rendition, isLive) : text, false);
        }, ct);

    /// <summary>
    /// The gate every playback request passes: a suspended or deleted id answers 404, one whose policy cannot be read
    /// while the database is away 503, a viewer the policy refuses 401/403 with a JSON reason. Let in, the decision
    /// (with its grant and CORS answer) comes back with the target; otherwise the refusal to answer.
    /// </summary>
    private static async Task<Admission> LetInAsync(HttpContext http, string playbackId, PlaybackGate gate, PlaybackAccess access,
        CancellationToken ct)
    {
        var target = await gate.TargetAsync(playbackId, ct);
        if (target.Verdict is PlaybackVerdict.Blocked or PlaybackVerdict.Unchecked)
        {
            Cors(http, PlaybackAccess.Public);
            return new Admission(target.Verdict == PlaybackVerdict.Blocked ? NotFound(http)
                : Unavailable(http, "playback access cannot be checked right now: try again in a second\n"), target, PlaybackAccess.Public);
        }
        var decision = await access.CheckAsync(http, playbackId, target, ct);
        if (!decision.Allowed)
        {
            Cors(http, decision);
            http.Response.Headers.CacheControl = "no-store";
            return new Admission(ApiError.Status(decision.Status, decision.Refusal!), target, decision);
        }
        return new Admission(null, target, decision);
    }

    private readonly record struct Admission(IResult? Refusal, PlaybackTarget Target, AccessDecision Access);

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
    /// A playlist this node's micro-cache did not hold, rendered (from Redis or the store) and cached as UTF-8; one the
    /// stream will have but does not yet answers 503 with Retry-After, which players retry, and one nobody has 404.
    /// </summary>
    private static async Task<IResult> RenderedAsync(HttpContext http, IMemoryCache cache, HlsOptions options, AccessDecision access,
        string key, Func<Task<LivePlaylist>> render)
    {
        var playlist = await render();
        if (playlist.Pending)
        {
            Cors(http, access);
            return Unavailable(http, "not live yet: try again in a second\n");
        }
        var bytes = playlist.Text is null ? null : Encoding.UTF8.GetBytes(playlist.Text);
        if (bytes is not null && options.PlaylistCacheMilliseconds > 0)
        {
            cache.Set(key, bytes, TimeSpan.FromMilliseconds(options.PlaylistCacheMilliseconds));
        }
        return Playlist(http, bytes, access);
    }

    /// <summary>A playlist; a gated one with the viewer's grant in every child URL, and kept out of shared caches.</summary>
    private static IResult Playlist(HttpContext http, byte[]? bytes, AccessDecision access)
    {
        Cors(http, access);
        if (bytes is null)
        {
            return NotFound(http);
        }
        if (access.Grant is { } grant)
        {
            bytes = Encoding.UTF8.GetBytes(ChildUrls.InPlaylist(Encoding.UTF8.GetString(bytes), PlaybackGrants.QueryName, grant));
            http.Response.Headers.CacheControl = "private, max-age=1";
        }
        else
        {
            http.Response.Headers.CacheControl = "public, max-age=1";
        }
        return TypedResults.Bytes(bytes, HlsPlaylist.ContentType);
    }

    private static IResult Unavailable(HttpContext http, string message)
    {
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.RetryAfter = "1";
        return TypedResults.Text(message, "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> SegmentAsync(string playbackId, string rendition, string segment, HttpContext http,
        ISegmentStore store, PlaybackGate gate, PlaybackAccess access, Viewership.ViewTracker views, IOptions<Live.IngestOptions> ingest,
        IOptions<Assets.AssetOptions> assets, CancellationToken ct)
    {
        if (!Id().IsMatch(playbackId) || !Streams.StreamRules.IsRenditionName(rendition) || !SegmentName().IsMatch(segment))
        {
            Cors(http, PlaybackAccess.Public);
            return NotFound(http);
        }
        var admission = await LetInAsync(http, playbackId, gate, access, ct);
        if (admission.Refusal is { } refusal)
        {
            return refusal;
        }
        Cors(http, admission.Access);
        // Live segments first, then a finished asset's files (its segments, thumbnails and their WebVTT index).
        var isVtt = segment.EndsWith(".vtt", StringComparison.Ordinal);
        var contentType = segment.EndsWith(".jpg", StringComparison.Ordinal) ? "image/jpeg" : isVtt ? "text/vtt" : SegmentContentType;
        var live = MediaKeys.Live(playbackId, rendition, segment);
        var vod = MediaKeys.Vod(playbackId, $"{rendition}/{segment}");
        if (admission.Access.Grant is { } grant)
        {
            http.Response.Headers.CacheControl = "private, max-age=31536000, immutable";
            if (isVtt)
            {
                // The thumbnails' index points at the images, which need the grant as well.
                var text = await StoredTextAsync(store, vod, ct);
                return text is null ? NotFound(http)
                    : TypedResults.Text(ChildUrls.InWebVtt(text, PlaybackGrants.QueryName, grant), contentType, Encoding.UTF8);
            }
        }
        else
        {
            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        }
        var result = await StoredFileAsync(http, store, contentType, ct, live, vod);
        if (contentType == SegmentContentType && result is not IStatusCodeHttpResult { StatusCode: StatusCodes.Status404NotFound })
        {
            // A viewer counts from the media it is served: a segment of the stream's or the asset's nominal length.
            views.Served(http, playbackId, admission.Target.Verdict == PlaybackVerdict.Stream ? ingest.Value.SegmentSeconds : assets.Value.SegmentSeconds);
        }
        return result;
    }

    /// <summary>A finished asset's static MP4s (<c>/hls/{playbackId}/static360p0.mp4</c>), with range requests for seeking.</summary>
    private static async Task<IResult> DownloadAsync(string playbackId, string file, HttpContext http, ISegmentStore store,
        PlaybackGate gate, PlaybackAccess access, Viewership.ViewTracker views, CancellationToken ct)
    {
        if (!Id().IsMatch(playbackId) || !Mp4Name().IsMatch(file))
        {
            Cors(http, PlaybackAccess.Public);
            return NotFound(http);
        }
        var admission = await LetInAsync(http, playbackId, gate, access, ct);
        if (admission.Refusal is { } refusal)
        {
            return refusal;
        }
        Cors(http, admission.Access);
        if (admission.Access.Grant is not null)
        {
            http.Response.Headers.CacheControl = "private, max-age=3600";
        }
        var result = await StoredFileAsync(http, store, "video/mp4", ct, MediaKeys.Vod(playbackId, file));
        if (result is not IStatusCodeHttpResult { StatusCode: StatusCodes.Status404NotFound })
        {
            // A player that asks for an MP4 has begun to watch: the view counts from here (how long it watched comes
            // from its own reports; a range names bytes, not seconds).
            views.Served(http, playbackId, 0);
        }
        return result;
    }

    /// <summary>
    /// A browser's preflight for any playback URL: players may send the credential as a header, which needs one. The
    /// origin list, if any, is checked on the request itself.
    /// </summary>
    private static IResult Preflight(HttpContext http)
    {
        var headers = http.Response.Headers;
        var origin = http.Request.Headers.Origin.ToString();
        headers.AccessControlAllowOrigin = origin.Length > 0 ? origin : "*";
        headers.Vary = "Origin";
        headers.AccessControlAllowMethods = "GET, HEAD, OPTIONS";
        headers.AccessControlAllowHeaders = $"{PlaybackAccess.JwtHeader}, {PlaybackAccess.AccessKeyHeader}, Range";
        headers.AccessControlMaxAge = "600";
        return TypedResults.NoContent();
    }

    /// <summary>The first of <paramref name="keys"/> that exists: straight from disk with range support when the store is
    /// local, MP4s with ranged reads from an object store, anything else streamed whole.</summary>
    private static async Task<IResult> StoredFileAsync(HttpContext http, ISegmentStore store, string contentType, CancellationToken ct,
        params string[] keys)
    {
        foreach (var key in keys)
        {
            if (store is ILocalSegmentFiles files)
            {
                // (An in-memory copy of hot segments measured no faster: the cost is Kestrel's copy into the socket,
                // which nginx avoids with sendfile; see BENCHMARKS.md. A plain GET reads the file straight into the
                // response's buffers, a copy fewer.)
                if (files.LocalPath(key) is { } path)
                {
                    return WholeFileResult.Serves(http.Request)
                        ? new WholeFileResult(path, contentType)
                        : TypedResults.PhysicalFile(path, contentType, enableRangeProcessing: true);
                }
            }
            else if (contentType == "video/mp4" && store is IRangedSegmentStore ranged)
            {
                // A player seeking in an MP4 asks for ranges: each becomes a ranged read of the object.
                if (await ranged.OpenRangedAsync(key, ct) is { } stored)
                {
                    return TypedResults.Stream(stored.Content, contentType, lastModified: stored.LastModified,
                        entityTag: Microsoft.Net.Http.Headers.EntityTagHeaderValue.TryParse(stored.ETag, out var tag) ? tag : null,
                        enableRangeProcessing: true);
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

    private static void Cors(HttpContext http, AccessDecision access)
    {
        http.Response.Headers.AccessControlAllowOrigin = access.AllowOrigin;
        if (access.AllowOrigin != "*")
        {
            http.Response.Headers.Vary = "Origin";
        }
    }

    [GeneratedRegex("^[0-9a-z]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Id();

    [GeneratedRegex("^[0-9a-z_]{1,64}\\.(ts|jpg|vtt)$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentName();

    [GeneratedRegex("^static[0-9A-Za-z_-]{1,64}\\.mp4$", RegexOptions.CultureInvariant)]
    private static partial Regex Mp4Name();
}
