namespace StreamGateway.Core.Transcoding;

/// <summary>What the gateway kept when an orchestrator's work failed verification.</summary>
public sealed class EvidenceRecord
{
    public required string Id { get; init; }
    /// <summary>The orchestrator's id in the pool (its address, or its service URI off-chain).</summary>
    public required string Orchestrator { get; init; }
    public required string ServiceUri { get; init; }
    public required string PlaybackId { get; init; }
    /// <summary>The live stream or the asset the segment belongs to.</summary>
    public Guid SourceId { get; init; }
    /// <summary>The live session, or the asset again.</summary>
    public Guid SessionId { get; init; }
    /// <summary>The segment's sequence number in its session or asset.</summary>
    public long Seq { get; init; }
    public required string Reason { get; init; }
    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; init; }
    /// <summary>Files kept: <c>source.ts</c> and one per rendition, fetchable at /api/orchestrator/evidence/{id}/{file}.</summary>
    public required List<string> Files { get; init; }
}
