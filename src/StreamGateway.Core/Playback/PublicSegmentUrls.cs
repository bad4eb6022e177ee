using StreamGateway.Core.Live;
using StreamGateway.Core.Storage;
using StreamGateway.Media.Hls;

namespace StreamGateway.Core.Playback;

/// <summary>
/// Media playlists of public content with their segments on a CDN or bucket (<see cref="HlsOptions.SegmentBaseUrl"/>):
/// each relative URL becomes absolute under the base, in the layout the option names. Absolute URLs stay as they are. Pure.
/// </summary>
public static class PublicSegmentUrls
{
    /// <summary>The playlist's URLs moved under the base, or the playlist as it is when no base is set.</summary>
    /// <param name="live">Whether the playlist is a live one (segments under <c>live/</c>) or a finished asset's (<c>vod/</c>).</param>
    public static string? Apply(HlsOptions options, string? playlist, string playbackId, string rendition, bool live)
    {
        if (playlist is null || string.IsNullOrEmpty(options.SegmentBaseUrl))
        {
            return playlist;
        }
        var root = options.SegmentBaseUrl.TrimEnd('/');
        return ChildUrls.MapPlaylist(playlist, url =>
        {
            if (url.Contains("://", StringComparison.Ordinal) || url.StartsWith('/'))
            {
                return url;
            }
            return options.SegmentUrlLayout == "store"
                ? $"{root}/{(live ? MediaKeys.Live(playbackId, rendition, url) : MediaKeys.Vod(playbackId, $"{rendition}/{url}"))}"
                : $"{root}/hls/{playbackId}/{rendition}/{url}";
        });
    }
}
