using StreamGateway.Core.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StreamGateway.Core.Streams;

/// <summary>A live stream (studio-api §3.1). Nested Studio objects are kept as validated JSON in jsonb columns.</summary>
public sealed class LiveStream : IListed, Streams.ILiveCounters
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public required string StreamKey { get; set; }
    public required string PlaybackId { get; set; }
    public string? CreatedByTokenName { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public bool Record { get; set; }
    public bool Suspended { get; set; }
    public bool Deleted { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
    public bool IsActive { get; set; }
    public DateTimeOffset? LastSeen { get; set; }
    public DateTimeOffset? LastTerminatedAt { get; set; }

    /// <summary>FfmpegProfile[] as JSON.</summary>
    public required string Profiles { get; set; }
    public string? UserTags { get; set; }
    public string? PlaybackPolicy { get; set; }
    public string? Multistream { get; set; }
    public string? RecordingSpec { get; set; }
    /// <summary><see cref="PullSpec"/> as JSON, headers included (never returned).</summary>
    public string? Pull { get; set; }
    /// <summary>When pulling was asked for (create, update, start-pull); null once terminated: a node pulls while it is set.</summary>
    public DateTimeOffset? PullRequestedAt { get; set; }
    public string? CreatorId { get; set; }
    /// <summary>The gateway base URL the stream was created through, for recording URLs in webhooks (not returned).</summary>
    public string? PublicBase { get; set; }

    public long SourceSegments { get; set; }
    public long TranscodedSegments { get; set; }
    public double SourceSegmentsDuration { get; set; }
    public double TranscodedSegmentsDuration { get; set; }
    public long SourceBytes { get; set; }
    public long TranscodedBytes { get; set; }
    public double? IngestRate { get; set; }
    public double? OutgoingRate { get; set; }
    public bool? IsHealthy { get; set; }
    /// <summary>The session publishing now, if any; a late end of an older session must not mark the stream idle.</summary>
    public Guid? ActiveSessionId { get; set; }
    /// <summary>string[] as JSON.</summary>
    public string? Issues { get; set; }
}

internal sealed class StreamConfiguration : IEntityTypeConfiguration<LiveStream>
{
    public void Configure(EntityTypeBuilder<LiveStream> b)
    {
        b.ToTable("streams");
        b.HasIndex(s => s.StreamKey).IsUnique();
        b.HasIndex(s => s.PlaybackId).IsUnique();
        b.HasIndex(s => new { s.ProjectId, s.CreatedAt, s.Id });
        b.Property(s => s.Name).HasMaxLength(500);
        foreach (var json in new[]
                 {
                     nameof(LiveStream.Profiles), nameof(LiveStream.UserTags), nameof(LiveStream.PlaybackPolicy),
                     nameof(LiveStream.Multistream), nameof(LiveStream.RecordingSpec), nameof(LiveStream.CreatorId),
                     nameof(LiveStream.Issues), nameof(LiveStream.Pull),
                 })
        {
            b.Property(json).HasColumnType("jsonb");
        }
    }
}
