using StreamGateway.Core.Transcoding;

namespace StreamGateway.Core.Live;

/// <summary>One source segment to transcode; the arguments of its job (kept small and serializable).</summary>
public sealed class LiveSegmentWork
{
    public Guid StreamId { get; set; }
    public Guid ProjectId { get; set; }
    public Guid SessionId { get; set; }
    public string PlaybackId { get; set; } = "";
    /// <summary>The source's media sequence number; every rendition uses the same one.</summary>
    public long Seq { get; set; }
    /// <summary>The segment's file name, shared by the source and every rendition.</summary>
    public string Segment { get; set; } = "";
    public double Duration { get; set; }
    public bool Discontinuity { get; set; }
    public bool KeepAll { get; set; }
    /// <summary>When the segment's media reached the gateway (Unix ms), for EXT-X-PROGRAM-DATE-TIME.</summary>
    public long StartMs { get; set; }
    public long EnqueuedAtMs { get; set; }
    public List<Rendition> Renditions { get; set; } = [];
}
