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
    public required string PlaybackId { get; init; }
    public required JsonElement Profiles { get; init; }
    public JsonElement? RecordingSpec { get; init; }

    public static SessionResource From(Session s, DateTimeOffset now) => new()
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
        // The recording asset arrives with VOD processing; until then a recorded session is waiting for it.
        RecordingStatus = s.Record ? (now - (s.LastSeen ?? s.CreatedAt) > StaleAfter ? "none" : "waiting") : null,
        PlaybackId = s.PlaybackId,
        Profiles = StoredJson.Element(s.Profiles)!.Value,
        RecordingSpec = StoredJson.Element(s.RecordingSpec),
    };
}
