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

/// <summary>What a piece of usage is for: its project, and the live stream or asset within it.</summary>
public readonly record struct UsageSubject(Guid ProjectId, Guid StreamId = default, Guid AssetId = default)
{
    public static UsageSubject Stream(Guid projectId, Guid streamId) => new(projectId, StreamId: streamId);
    public static UsageSubject Asset(Guid projectId, Guid assetId) => new(projectId, AssetId: assetId);
}

/// <summary>Adds to usage with one upsert per event, so concurrent segments never lose an update.</summary>
public sealed class UsageRecorder(IServiceScopeFactory scopes)
{
    public async Task AddAsync(UsageSubject subject, DateTimeOffset at, double sourceSeconds = 0, double transcodedSeconds = 0,
        long outputPixels = 0, BigInteger paidWei = default)
    {
        var hour = new DateTimeOffset(at.UtcDateTime.Year, at.UtcDateTime.Month, at.UtcDateTime.Day, at.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO usage_hours ("ProjectId", "Hour", "StreamId", "AssetId", "SourceSeconds", "TranscodedSeconds", "OutputPixels", "PaidWei")
            VALUES ({subject.ProjectId}, {hour}, {subject.StreamId}, {subject.AssetId}, {sourceSeconds}, {transcodedSeconds}, {outputPixels}, {(decimal)paidWei})
            ON CONFLICT ("ProjectId", "Hour", "StreamId", "AssetId") DO UPDATE SET
              "SourceSeconds" = usage_hours."SourceSeconds" + excluded."SourceSeconds",
              "TranscodedSeconds" = usage_hours."TranscodedSeconds" + excluded."TranscodedSeconds",
              "OutputPixels" = usage_hours."OutputPixels" + excluded."OutputPixels",
              "PaidWei" = usage_hours."PaidWei" + excluded."PaidWei"
            """);
    }
}
