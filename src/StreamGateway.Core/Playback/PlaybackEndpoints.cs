using StreamGateway.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using System.Text.Json;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Playback;

/// <summary><c>GET /api/playback/{id}</c>, public: what a player needs to play a stream (studio-api §2.4).</summary>
public static class PlaybackEndpoints
{
    public static WebApplication MapPlayback(this WebApplication app)
    {
        app.MapGet("/api/playback/{id}", GetAsync).WithTags("Playback").WithName("getPlaybackInfo")
            .Produces<PlaybackInfo>().Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, GatewayDbContext db,
        IOptions<GatewayUrlOptions> urls, CancellationToken ct)
    {
        http.Response.Headers.AccessControlAllowOrigin = "*";
        var stream = await db.Streams.AsNoTracking()
            .FirstOrDefaultAsync(s => s.PlaybackId == id && !s.Deleted && !s.Suspended, ct);
        var baseUrl = urls.Value.BaseFor(http.Request);
        if (stream is null)
        {
            // A video on demand, by its playback id or its asset id, once it can be played.
            var assetId = Guid.TryParse(id, out var parsed) ? parsed : Guid.Empty;
            var asset = await db.Assets.AsNoTracking()
                .FirstOrDefaultAsync(a => (a.PlaybackId == id || a.Id == assetId) && a.DeletedAt == null && a.HasPlayback, ct);
            return asset switch
            {
                null => ApiError.NotFound($"No playback URL found for {id}"),
                // A session id: its recording, as Studio answers for sessions.
                { SourceType: "recording" } when asset.Id == assetId => TypedResults.Ok(new PlaybackInfo("recording", new PlaybackMeta
                {
                    PlaybackPolicy = StoredJson.Element(asset.PlaybackPolicy),
                    Source = [new PlaybackSource("HLS (TS)", "html5/application/vnd.apple.mpegurl", MediaUrls.Playlist(baseUrl, asset.PlaybackId))],
                })),
                _ => TypedResults.Ok(VodInfo(asset, baseUrl)),
            };
        }
        var hls = $"{baseUrl}/hls/{stream.PlaybackId}/index.m3u8";
        return TypedResults.Ok(new PlaybackInfo("live", new PlaybackMeta
        {
            Live = stream.IsActive ? 1 : 0,
            PlaybackPolicy = StoredJson.Element(stream.PlaybackPolicy),
            Source = [new PlaybackSource("HLS (TS)", "html5/application/vnd.apple.mpegurl", hls)],
        }));
    }

    /// <summary>VOD playback (studio-api §3.8): each static MP4, highest bitrate first, then HLS.</summary>
    private static PlaybackInfo VodInfo(Assets.Asset asset, string baseUrl)
    {
        var sources = Assets.Mp4Download.Of(asset)
            .Select(m => new PlaybackSource("MP4", "html5/video/mp4", MediaUrls.File(baseUrl, asset.PlaybackId, m.Name)))
            .ToList();
        sources.Add(new PlaybackSource("HLS (TS)", "html5/application/vnd.apple.mpegurl", MediaUrls.Playlist(baseUrl, asset.PlaybackId)));
        if (asset.HasThumbnails)
        {
            sources.Add(new PlaybackSource("Thumbnails", "text/vtt", $"{baseUrl}/hls/{asset.PlaybackId}/{MediaKeys.ThumbnailsVtt}"));
            // The first thumbnail (the opening frame) is the poster players show before playing.
            sources.Add(new PlaybackSource("Thumbnail (JPEG)", "image/jpeg", $"{baseUrl}/hls/{asset.PlaybackId}/{MediaKeys.FirstThumbnail}"));
        }
        return new PlaybackInfo("vod", new PlaybackMeta { PlaybackPolicy = StoredJson.Element(asset.PlaybackPolicy), Source = sources });
    }
}
