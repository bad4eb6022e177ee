using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Core.Live;

public sealed class HlsOptions
{
    public const string Section = "Hls";

    /// <summary>Segments listed in a live media playlist (the sliding window).</summary>
    [Range(6, 100)]
    public int WindowSegments { get; set; } = 8;

    /// <summary>Live segments kept in storage per rendition; older ones are deleted (unless the stream records).</summary>
    [Range(6, 100_000)]
    public int RetainSegments { get; set; } = 30;

    /// <summary>
    /// Each node keeps a rendered playlist this long before asking Redis again (0 turns it off). Players refresh
    /// every few seconds, so a tenth of a second of staleness is invisible and spares Redis most requests.
    /// </summary>
    [Range(0, 2000)]
    public int PlaylistCacheMilliseconds { get; set; } = 100;

    /// <summary>
    /// How long a rendition waits for an earlier segment that never settled (a transcode job lost with its node)
    /// before it moves on and marks that segment as a gap.
    /// </summary>
    [Range(1, 600)]
    public double RenditionWaitSeconds { get; set; } = 20;

    /// <summary>
    /// A playlist a stream will have but does not yet (its master before the source's first segment, a rendition's
    /// before its first) is held this long for it to appear, then answered 503 with Retry-After, which players retry
    /// (they give up on a 404). Under hls.js's 10 s wait for a media playlist's first byte.
    /// </summary>
    [Range(0, 9)]
    public double HoldSeconds { get; set; } = 8;

    /// <summary>Playlist requests held at once on a node; more are answered 503 at once, without being held.</summary>
    [Range(0, 1_000_000)]
    public int MaxHeldRequests { get; set; } = 10_000;

    /// <summary>
    /// The master playlist lists every rendition from the source's first segment on (true), or only once each has its
    /// first segment, the source's first segment being at most <see cref="HoldSeconds"/> old (false). See
    /// <see cref="LivePlaylists.MasterAsync"/> for why listing ahead is the default.
    /// </summary>
    public bool ListRenditionsAhead { get; set; } = true;

    /// <summary>How long a finished stream's playlist state stays in Redis.</summary>
    [Range(60, 30 * 86400)]
    public int StateTtlSeconds { get; set; } = 86400;

    /// <summary>
    /// Where viewers fetch public segments from, instead of this gateway: a CDN's or a bucket's base URL, written into
    /// media playlists of content without a playback policy (gated content always goes through the gateway's checks).
    /// Empty (the default): media playlists name their segments relatively, and the gateway serves them.
    /// </summary>
    public string? SegmentBaseUrl { get; set; }

    /// <summary>
    /// How a segment's URL is made under <see cref="SegmentBaseUrl"/>: <c>gateway</c> keeps the gateway's own path
    /// (<c>{base}/hls/{playbackId}/{rendition}/{file}</c>, for a CDN whose origin is the gateway); <c>store</c> uses the
    /// object's key in the store (<c>{base}/live/…</c> or <c>{base}/vod/…</c>, for a bucket or a CDN in front of it —
    /// which then serves every object to anyone, gated content's too, so use it only where no project gates playback).
    /// </summary>
    [RegularExpression("^(gateway|store)$")]
    public string SegmentUrlLayout { get; set; } = "gateway";
}
