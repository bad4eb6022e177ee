using System.Text.Json;
using System.Text.Json.Serialization;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Sessions;

/// <summary>The Session as the API returns it (studio-api §3.10).</summary>
public sealed class SessionResource
{
    /// <summary>Sessions older than this with no recording are reported as <c>none</c>, as Studio does.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(3);

    public required string Id { get; init; }
    public string Kind { get; init; } = "stream";
    public required string UserId { get; init; }
    public required string Name { get; init; }
    public long LastSeen { get; init; }
    public long SourceSegments { get; init; }
    public long TranscodedSegments { get; init; }
    public double SourceSegmentsDuration { get; init; }
    public double TranscodedSegmentsDuration { get; init; }
    public long SourceBytes { get; init; }
    public long TranscodedBytes { get; init; }
    public double? IngestRate { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public bool? IsHealthy { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public JsonElement? Issues { get; init; }
    public long CreatedAt { get; init; }
    public required string ParentId { get; init; }
    public required string ProjectId { get; init; }
    public bool Record { get; init; }
    public string? RecordingStatus { get; init; }
    /// <summary>The recording's HLS playlist, once it is ready.</summary>
    public string? RecordingUrl { get; init; }
    /// <summary>The recording's MP4 download, once it is ready.</summary>
    public string? Mp4Url { get; init; }
    /// <summary>The recording asset (in recording webhooks).</summary>
    public string? AssetId { get; init; }
    public required string PlaybackId { get; init; }
    public required JsonElement Profiles { get; init; }
    public JsonElement? RecordingSpec { get; init; }

    /// <param name="recording">The session's recording asset (its id is the session's), if there is one yet.</param>
    /// <param name="baseUrl">The gateway's public base URL, for the recording's URLs.</param>
    public static SessionResource From(Session s, DateTimeOffset now, Assets.Asset? recording = null, string? baseUrl = null, bool withAssetId = false)
    {
        var asset = recording is { Phase: Assets.AssetPhase.Ready, DeletedAt: null }
            ? Assets.AssetResource.From(recording, baseUrl ?? recording.PublicBase ?? "")
            : null;
        return new SessionResource
        {
            Id = s.Id.ToString(),
            UserId = s.UserId.ToString(),
            Name = s.Name,
            LastSeen = Epoch.Ms(s.LastSeen) ?? 0,
            SourceSegments = s.SourceSegments,
            TranscodedSegments = s.TranscodedSegments,
            SourceSegmentsDuration = s.SourceSegmentsDuration,
            TranscodedSegmentsDuration = s.TranscodedSegmentsDuration,
            SourceBytes = s.SourceBytes,
            TranscodedBytes = s.TranscodedBytes,
            IngestRate = s.IngestRate,
            IsHealthy = s.IsHealthy,
            Issues = StoredJson.Element(s.Issues),
            CreatedAt = Epoch.Ms(s.CreatedAt),
            ParentId = s.StreamId.ToString(),
            ProjectId = s.ProjectId.ToString(),
            Record = s.Record,
            RecordingStatus = s.Record ? RecordingStatusOf(s, recording, now) : null,
            RecordingUrl = asset?.PlaybackUrl,
            Mp4Url = asset?.DownloadUrl,
            AssetId = withAssetId && recording is not null ? recording.Id.ToString() : null,
            PlaybackId = s.PlaybackId,
            Profiles = StoredJson.Element(s.Profiles)!.Value,
            RecordingSpec = StoredJson.Element(s.RecordingSpec),
        };
    }

    /// <summary>
    /// From the recording asset, as Studio derives it: ready, failed, deleted, or waiting while it is made. With no
    /// asset yet a session is waiting for one, or <c>none</c> once it is stale.
    /// </summary>
    public static string RecordingStatusOf(Session s, Assets.Asset? recording, DateTimeOffset now) => recording switch
    {
        { DeletedAt: not null } or { Phase: Assets.AssetPhase.Deleted } => "deleted",
        { Phase: Assets.AssetPhase.Ready } => "ready",
        { Phase: Assets.AssetPhase.Failed } => "failed",
        not null => "waiting",
        null => now - (s.LastSeen ?? s.CreatedAt) > StaleAfter ? "none" : "waiting",
    };
}
