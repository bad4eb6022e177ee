namespace StreamGateway.Core.Live;

/// <summary>
/// One segment of a live session as every rendition shares it: the same file name (its playlist URI), length,
/// media sequence number and wall-clock start in the source and in each transcoded rendition.
/// </summary>
/// <param name="File">The segment's file name in each rendition's folder (see <see cref="Storage.MediaKeys.LiveFile"/>).</param>
/// <param name="StartMs">When the segment's media reached the gateway (Unix ms), for EXT-X-PROGRAM-DATE-TIME.</param>
/// <param name="KeepAll">The stream records: retention deletes none of its segments.</param>
/// <param name="Seq">Its media sequence number; unknown (-1) for a source segment until the playlist appends it.</param>
/// <param name="Discontinuity">A discontinuity opens at this segment (a new publish).</param>
public sealed record LiveSegment(string PlaybackId, Guid SessionId, string File, double Duration, long StartMs, bool KeepAll,
    long Seq = -1, bool Discontinuity = false)
{
    public long Index => Storage.MediaKeys.LiveFileIndex(File);
}
