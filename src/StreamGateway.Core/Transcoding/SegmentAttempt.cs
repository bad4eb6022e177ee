namespace StreamGateway.Core.Transcoding;

/// <summary>One segment to have transcoded: a live source segment, or a chunk of an asset.</summary>
/// <param name="Key">Whose selection state, sessions and credit this uses: a live session's id, or an asset's.</param>
/// <param name="ManifestId">What the orchestrator sees as the manifest (the stream or asset id).</param>
/// <param name="PlaybackId">For logs and kept evidence.</param>
public sealed record SegmentAttempt(Guid Key, Guid ManifestId, string PlaybackId, long Seq, byte[] Source, double Duration,
    IReadOnlyList<Rendition> Renditions, DateTimeOffset Deadline);
