using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Assets;

/// <summary>Phases of an asset (studio-api §3.6): uploading → waiting → processing → ready | failed; deleting → deleted.</summary>
public static class AssetPhase
{
    public const string Uploading = "uploading";
    public const string Waiting = "waiting";
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";
    public const string Deleted = "deleted";
}

/// <summary>A video on demand: an uploaded, imported or recorded file and what was made from it.</summary>
public sealed class Asset : IListed
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public required string PlaybackId { get; set; }
    public required string Phase { get; set; }
    public double? Progress { get; set; }
    public string? ErrorMessage { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>directUpload, url, recording or clip.</summary>
    public required string SourceType { get; set; }
    public string? SourceUrl { get; set; }
    /// <summary>The live session a recording (whose id is the session's) or a clip was made from.</summary>
    public Guid? SourceSessionId { get; set; }
    /// <summary>The stream a clip was cut from, and its playback id.</summary>
    public Guid? SourceStreamId { get; set; }
    public string? SourcePlaybackId { get; set; }
    /// <summary>TranscodeProfile[] as JSON; null for the default ladder.</summary>
    public string? Profiles { get; set; }
    public bool StaticMp4 { get; set; }
    public string? PlaybackPolicy { get; set; }
    public string? CreatorId { get; set; }
    public string? CreatedByTokenName { get; set; }
    /// <summary>Bytes of the source file, once it is all there.</summary>
    public long? Size { get; set; }
    /// <summary>Declared length of a resumable (tus) upload and how much of it has arrived.</summary>
    public long? UploadLength { get; set; }
    public long UploadOffset { get; set; }
    /// <summary>videoSpec (format, duration, bitrate, tracks) as JSON, from ffprobe.</summary>
    public string? VideoSpec { get; set; }
    /// <summary>Set once HLS playlists exist.</summary>
    public bool HasPlayback { get; set; }
    /// <summary>Static MP4 files made: [{name, width, height, bitrate, size}] as JSON.</summary>
    public string? Mp4s { get; set; }
    public bool HasThumbnails { get; set; }
    /// <summary>The gateway base URL the asset was created through, for URLs in webhook snapshots (not returned).</summary>
    public string? PublicBase { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
}

/// <summary>A unit of asset work (studio-api §3.11): an upload's or a recording's processing (<c>upload</c>), or a clip (<c>clip</c>).</summary>
public sealed class AssetTask : IListed
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public Guid UserId { get; set; }
    public required string Type { get; set; }
    public Guid? InputAssetId { get; set; }
    public Guid? OutputAssetId { get; set; }
    /// <summary>params as JSON.</summary>
    public string? Params { get; set; }
    /// <summary>pending, waiting, running, failed, completed or cancelled.</summary>
    public required string Phase { get; set; }
    public double? Progress { get; set; }
    public string? ErrorMessage { get; set; }
    public int Retries { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>output as JSON.</summary>
    public string? Output { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ScheduledAt { get; set; }
}

public static class AssetTaskQueries
{
    /// <summary>The task that makes the asset (its upload, recording or clip), first one first.</summary>
    public static IQueryable<AssetTask> OfAsset(this IQueryable<AssetTask> tasks, Guid assetId) =>
        tasks.Where(t => t.OutputAssetId == assetId).OrderBy(t => t.CreatedAt);
}

internal sealed class AssetConfiguration : IEntityTypeConfiguration<Asset>
{
    public void Configure(EntityTypeBuilder<Asset> b)
    {
        b.ToTable("assets");
        b.HasIndex(a => new { a.ProjectId, a.CreatedAt, a.Id });
        b.HasIndex(a => a.PlaybackId).IsUnique();
        b.HasIndex(a => a.SourceStreamId);
        b.HasIndex(a => a.SourceSessionId);
        b.Property(a => a.Profiles).HasColumnType("jsonb");
        b.Property(a => a.PlaybackPolicy).HasColumnType("jsonb");
        b.Property(a => a.CreatorId).HasColumnType("jsonb");
        b.Property(a => a.VideoSpec).HasColumnType("jsonb");
        b.Property(a => a.Mp4s).HasColumnType("jsonb");
    }
}

internal sealed class AssetTaskConfiguration : IEntityTypeConfiguration<AssetTask>
{
    public void Configure(EntityTypeBuilder<AssetTask> b)
    {
        b.ToTable("tasks");
        b.HasIndex(t => new { t.ProjectId, t.CreatedAt, t.Id });
        b.HasIndex(t => t.OutputAssetId);
        b.Property(t => t.Params).HasColumnType("jsonb");
        b.Property(t => t.Output).HasColumnType("jsonb");
    }
}
