using StreamGateway.Core.Storage;

namespace StreamGateway.Core.Live;

/// <summary>
/// The one step that publishes a segment into a rendition, for the source (from the segmenter) and for every
/// transcoded rendition (from the live transcode job) alike: the file goes into the segment store, the session's
/// segment log records it (what recordings and clips are made from), the rendition's playlist lists it, and the
/// stored segments that fell out of retention are deleted. A segment no orchestrator could make settles as a gap.
/// </summary>
public sealed class LiveRenditions(ISegmentStore store, LivePlaylists playlists, SessionSegments log)
{
    /// <summary>Publishes <paramref name="path"/> as <paramref name="segment"/> of <paramref name="rendition"/>.</summary>
    /// <param name="picture">What the rendition carries, for the master playlist and the session's segment log.</param>
    /// <param name="ladder">Source only: the renditions that will follow it, as the master playlist announces them, each
    /// starting at this segment if it has none yet.</param>
    /// <returns>Where the segment landed in the playlist (for the source: its sequence number and discontinuity).</returns>
    public async Task<SettledSegment> PublishAsync(LiveSegment segment, string rendition, string path, RenditionInfo picture,
        IReadOnlyList<LiveVariant>? ladder = null)
    {
        var bytes = new FileInfo(path).Length;
        var source = rendition == LivePlaylists.Source;
        await store.PutFileAsync(MediaKeys.Live(segment.PlaybackId, rendition, segment.File), path, CancellationToken.None);
        // Queued, not awaited: the playlist must not wait for the database.
        _ = log.AddAsync(segment.SessionId, rendition, new LoggedSegment(segment.Index, segment.Duration, source ? segment.StartMs : 0, bytes,
            picture.Width ?? 0, picture.Height ?? 0, picture.Codecs));
        var settled = source
            ? await playlists.AppendAsync(segment.PlaybackId, rendition, segment.File, segment.Duration, bytes, segment.KeepAll, ladder, segment.StartMs,
                picture, segment.SessionId)
            : await playlists.SettleAsync(segment.PlaybackId, rendition, segment.Seq, segment.File, segment.Duration, bytes,
                segment.Discontinuity, gap: false, segment.KeepAll, segment.StartMs, picture);
        await DeleteAsync(segment.PlaybackId, rendition, settled.Expired, CancellationToken.None);
        return settled;
    }

    /// <summary>Publishes what waited too long on a lost segment (<see cref="LivePlaylists.ReleaseStalledAsync"/>) and deletes
    /// the stored segments that fell out of retention with it.</summary>
    public async Task ReleaseStalledAsync(CancellationToken ct)
    {
        foreach (var (playbackId, rendition, expired) in await playlists.ReleaseStalledAsync())
        {
            await DeleteAsync(playbackId, rendition, expired, ct);
        }
    }

    private async Task DeleteAsync(string playbackId, string rendition, IReadOnlyList<string> expired, CancellationToken ct)
    {
        foreach (var old in expired)
        {
            await store.DeleteAsync(MediaKeys.Live(playbackId, rendition, old), ct);
        }
    }

    /// <summary>The segment will never exist in this rendition: players skip it (<c>EXT-X-GAP</c>) and the playlist moves on.</summary>
    public Task GapAsync(LiveSegment segment, string rendition) =>
        playlists.SettleAsync(segment.PlaybackId, rendition, segment.Seq, $"gap_{segment.Seq}.ts", segment.Duration, 0,
            segment.Discontinuity, gap: true, segment.KeepAll, segment.StartMs);
}
