using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Sessions;

/// <summary>One publish of a stream, from the publisher's connect to its leaving (studio-api §3.10).</summary>
public sealed class Session : IListed, Streams.ILiveCounters
{
    public Guid Id { get; set; }
    public Guid StreamId { get; set; }
    public Guid ProjectId { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public required string PlaybackId { get; set; }
    public bool Record { get; set; }
    public required string Profiles { get; set; }
    public string? RecordingSpec { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSeen { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public long SourceSegments { get; set; }
    public double SourceSegmentsDuration { get; set; }
    public long SourceBytes { get; set; }
    public long TranscodedSegments { get; set; }
    public double TranscodedSegmentsDuration { get; set; }
    public long TranscodedBytes { get; set; }
    public double? IngestRate { get; set; }
    public bool? IsHealthy { get; set; }
    /// <summary>string[] as JSON.</summary>
    public string? Issues { get; set; }
    /// <summary>The renditions it was transcoded to and its source picture (<c>SessionLadder</c> as JSON), once its first segment closed.</summary>
    public string? Ladder { get; set; }
}

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> b)
    {
        b.ToTable("sessions");
        b.HasIndex(s => new { s.ProjectId, s.CreatedAt, s.Id });
        b.HasIndex(s => new { s.StreamId, s.CreatedAt });
        b.Property(s => s.Profiles).HasColumnType("jsonb");
        b.Property(s => s.RecordingSpec).HasColumnType("jsonb");
        b.Property(s => s.Issues).HasColumnType("jsonb");
        b.Property(s => s.Ladder).HasColumnType("jsonb");
        b.HasOne<Streams.LiveStream>().WithMany().HasForeignKey(s => s.StreamId);
    }
}
