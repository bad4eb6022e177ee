using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Assets;

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
    /// <summary>Where each stored piece of the resumable upload starts, in order (each PATCH leaves one).</summary>
    public List<long> UploadPieceOffsets { get; set; } = [];
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
        b.Property(a => a.UploadPieceOffsets).HasDefaultValueSql("'{}'::bigint[]");
    }
}
