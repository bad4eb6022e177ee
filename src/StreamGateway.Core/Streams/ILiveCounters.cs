namespace StreamGateway.Core.Streams;

/// <summary>The live statistics that a stream and each of its sessions both carry (studio-api §3.1, §3.10).</summary>
public interface ILiveCounters
{
    long SourceSegments { get; set; }
    double SourceSegmentsDuration { get; set; }
    long SourceBytes { get; set; }
    double? IngestRate { get; set; }
    DateTimeOffset? LastSeen { get; set; }
    bool? IsHealthy { get; set; }
    string? Issues { get; set; }
    long TranscodedSegments { get; set; }
    double TranscodedSegmentsDuration { get; set; }
    long TranscodedBytes { get; set; }
}
