using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StreamGateway.Core.Viewership;

/// <summary>
/// One viewer watching one playback id: a browser (its address and user agent) from its first request until it has
/// been quiet for <see cref="ViewershipOptions.SessionGapSeconds"/>. Made from the HLS requests the gateway serves and
/// from the reports of players that send them (<c>POST /analytics/log</c>), merged into the same session. Rolled up
/// into <see cref="ViewHour"/> once it has ended.
/// </summary>
public sealed class ViewSession
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public required string PlaybackId { get; set; }
    /// <summary>The stream or asset played; <see cref="Guid.Empty"/> when the id is neither any more.</summary>
    public Guid StreamId { get; set; }
    public Guid AssetId { get; set; }
    /// <summary>The content's creatorId value, when it has one.</summary>
    public string? CreatorId { get; set; }
    /// <summary>The id the player was given for its viewer (Studio's <c>viewerId</c>), when it reports one.</summary>
    public string? ViewerId { get; set; }
    public required string DeviceType { get; set; }
    public required string Device { get; set; }
    public required string Os { get; set; }
    public required string Browser { get; set; }
    public required string BrowserEngine { get; set; }
    /// <summary>ISO country code from the configured header of a trusted proxy or CDN; empty when not known.</summary>
    public required string Country { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    /// <summary>Time playing: the player's own count when it reports, else the media the gateway served.</summary>
    public long PlaytimeMs { get; set; }
    /// <summary>Media served to this viewer by the gateway (delivery), whatever the player reports.</summary>
    public long DeliveredMs { get; set; }
    public bool PlayerReported { get; set; }
    /// <summary>Time to first frame, as the player measured it.</summary>
    public int? TtffMs { get; set; }
    public long RebufferMs { get; set; }
    public int Errors { get; set; }
    /// <summary>Whether any media was played (or served): a session without is an exit before start.</summary>
    public bool Started { get; set; }
    /// <summary>Counted into <see cref="ViewHour"/> already.</summary>
    public bool RolledUp { get; set; }
}

internal sealed class ViewSessionConfiguration : IEntityTypeConfiguration<ViewSession>
{
    public void Configure(EntityTypeBuilder<ViewSession> b)
    {
        b.ToTable("view_sessions");
        b.HasIndex(s => new { s.ProjectId, s.StartedAt });
        b.HasIndex(s => new { s.ProjectId, s.LastSeenAt });
        b.HasIndex(s => s.LastSeenAt).HasFilter("NOT \"RolledUp\"");
    }
}

/// <summary>
/// Ended sessions counted by the hour they started in and by every breakdown the viewership API offers except the
/// viewer's id, so queries over months read rows per hour and kind of viewer, not per view.
/// </summary>
public sealed class ViewHour
{
    public Guid ProjectId { get; set; }
    public DateTimeOffset Hour { get; set; }
    public required string PlaybackId { get; set; }
    public Guid StreamId { get; set; }
    public Guid AssetId { get; set; }
    public required string CreatorId { get; set; }
    public required string DeviceType { get; set; }
    public required string Device { get; set; }
    public required string Os { get; set; }
    public required string Browser { get; set; }
    public required string BrowserEngine { get; set; }
    public required string Country { get; set; }
    public long Sessions { get; set; }
    public long Views { get; set; }
    public long PlaytimeMs { get; set; }
    public long TtffMsSum { get; set; }
    public long TtffCount { get; set; }
    public long RebufferMs { get; set; }
    public long ErrorSessions { get; set; }
}

internal sealed class ViewHourConfiguration : IEntityTypeConfiguration<ViewHour>
{
    public void Configure(EntityTypeBuilder<ViewHour> b)
    {
        b.ToTable("view_hours");
        b.HasKey(h => new { h.ProjectId, h.Hour, h.PlaybackId, h.CreatorId, h.DeviceType, h.Device, h.Os, h.Browser, h.BrowserEngine, h.Country });
        b.HasIndex(h => new { h.ProjectId, h.PlaybackId, h.Hour });
    }
}
