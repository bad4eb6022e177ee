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
    /// <summary>Each multistream target's push: state, bytes sent, last error (while the session lives and a day after).</summary>
    public IReadOnlyList<PushStatus>? Multistream { get; set; }

    /// <param name="recording">The session's recording, if there is one yet.</param>
    /// <param name="withAssetId">Name the recording asset (in recording webhooks).</param>
    public static SessionResource From(Session s, DateTimeOffset now, SessionRecording? recording = null, bool withAssetId = false) => new()
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
        RecordingUrl = recording?.RecordingUrl,
        Mp4Url = recording?.Mp4Url,
        AssetId = withAssetId && recording is not null ? recording.AssetId.ToString() : null,
        PlaybackId = s.PlaybackId,
        Profiles = StoredJson.Element(s.Profiles)!.Value,
        RecordingSpec = StoredJson.Element(s.RecordingSpec),
    };

    /// <summary>The recording's own status, as Studio derives it; with no recording yet a session is waiting for one,
    /// or <c>none</c> once it is stale.</summary>
    public static string RecordingStatusOf(Session s, SessionRecording? recording, DateTimeOffset now) =>
        recording?.Status ?? (now - (s.LastSeen ?? s.CreatedAt) > StaleAfter ? "none" : "waiting");
}
