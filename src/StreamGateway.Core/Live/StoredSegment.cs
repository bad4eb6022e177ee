using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StreamGateway.Core.Live;

/// <summary>A row of a session's segment log (<see cref="SessionSegments"/>): one segment of one rendition.</summary>
public sealed class StoredSegment
{
    public Guid SessionId { get; set; }
    public required string Rendition { get; set; }
    public long Index { get; set; }
    public double Duration { get; set; }
    public long StartMs { get; set; }
    public long Bytes { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public string? Codecs { get; set; }
}

internal sealed class StoredSegmentConfiguration : IEntityTypeConfiguration<StoredSegment>
{
    public void Configure(EntityTypeBuilder<StoredSegment> b)
    {
        b.ToTable("session_segments");
        b.HasKey(s => new { s.SessionId, s.Rendition, s.Index });
    }
}
