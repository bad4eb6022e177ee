using System.Numerics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Usage;

/// <summary>
/// What a project used in one hour (UTC) for one live stream or one asset: added to as segments are ingested and
/// transcoded. The project's usage is the sum of its rows.
/// </summary>
public sealed class UsageHour
{
    public Guid ProjectId { get; set; }
    public DateTimeOffset Hour { get; set; }
    /// <summary>The live stream this usage is for; <see cref="Guid.Empty"/> for none.</summary>
    public Guid StreamId { get; set; }
    /// <summary>The asset this usage is for; <see cref="Guid.Empty"/> for none.</summary>
    public Guid AssetId { get; set; }
    public double SourceSeconds { get; set; }
    public double TranscodedSeconds { get; set; }
    public long OutputPixels { get; set; }
    /// <summary>Media the gateway served to viewers (HLS segments), in seconds of playback.</summary>
    public double DeliveredSeconds { get; set; }
    /// <summary>Expected value of the tickets sent to orchestrators, in wei.</summary>
    public decimal PaidWei { get; set; }
}

internal sealed class UsageHourConfiguration : IEntityTypeConfiguration<UsageHour>
{
    public void Configure(EntityTypeBuilder<UsageHour> b)
    {
        b.ToTable("usage_hours");
        b.HasKey(u => new { u.ProjectId, u.Hour, u.StreamId, u.AssetId });
        b.Property(u => u.PaidWei).HasColumnType("numeric(78,0)");
    }
}
