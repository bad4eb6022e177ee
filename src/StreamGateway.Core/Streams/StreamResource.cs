using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Streams;

/// <summary>
/// The Stream as the API returns it (studio-api §3.1), with Studio's default fields filled in. Only the nullable
/// fields the SDK accepts as null are ever written as null.
/// </summary>
public sealed class StreamResource
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string Kind { get; init; } = "stream";
    public JsonElement? CreatorId { get; init; }
    public JsonElement? UserTags { get; init; }
    public long LastSeen { get; init; }
    public long SourceSegments { get; init; }
    public long TranscodedSegments { get; init; }
    public double SourceSegmentsDuration { get; init; }
    public double TranscodedSegmentsDuration { get; init; }
    public long SourceBytes { get; init; }
    public long TranscodedBytes { get; init; }
    public double? IngestRate { get; init; }
    public double? OutgoingRate { get; init; }
    public bool IsActive { get; init; }
    public bool? IsHealthy { get; init; }
    public JsonElement? Issues { get; init; }
    public string? CreatedByTokenName { get; init; }
    public long CreatedAt { get; init; }
    public string? StreamKey { get; init; }
    public required string PlaybackId { get; init; }
    public JsonElement? PlaybackPolicy { get; init; }
    public required JsonElement Profiles { get; init; }
    public required string ProjectId { get; init; }
    public bool Record { get; init; }
    public JsonElement? RecordingSpec { get; init; }
    public JsonElement? Multistream { get; init; }
    /// <summary>The pull source and location; its headers are not shown (they may hold credentials).</summary>
    public JsonElement? Pull { get; init; }
    public bool Suspended { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public long? LastTerminatedAt { get; init; }
    public required string UserId { get; init; }
    public JsonObject Renditions { get; init; } = [];
    /// <summary>Present (true) only for deleted streams, which only admins can read.</summary>
    public bool? Deleted { get; init; }

    /// <param name="withKey">False for webhook payloads, which never carry the stream key.</param>
    public static StreamResource From(LiveStream s, bool withKey = true) => new()
    {
        Id = s.Id.ToString(),
        Name = s.Name,
        CreatorId = StoredJson.Element(s.CreatorId),
        UserTags = StoredJson.Element(s.UserTags),
        LastSeen = Epoch.Ms(s.LastSeen) ?? 0,
        SourceSegments = s.SourceSegments,
        TranscodedSegments = s.TranscodedSegments,
        SourceSegmentsDuration = s.SourceSegmentsDuration,
        TranscodedSegmentsDuration = s.TranscodedSegmentsDuration,
        SourceBytes = s.SourceBytes,
        TranscodedBytes = s.TranscodedBytes,
        IngestRate = s.IngestRate,
        OutgoingRate = s.OutgoingRate,
        IsActive = s.IsActive,
        IsHealthy = s.IsHealthy,
        Issues = StoredJson.Element(s.Issues),
        CreatedByTokenName = s.CreatedByTokenName,
        CreatedAt = Epoch.Ms(s.CreatedAt),
        StreamKey = withKey ? s.StreamKey : null,
        PlaybackId = s.PlaybackId,
        PlaybackPolicy = StoredJson.Element(s.PlaybackPolicy),
        Profiles = StoredJson.Element(s.Profiles)!.Value,
        ProjectId = s.ProjectId.ToString(),
        Record = s.Record,
        RecordingSpec = StoredJson.Element(s.RecordingSpec),
        Multistream = PublicMultistream(s.Multistream),
        Pull = PublicPull(s.Pull),
        Suspended = s.Suspended,
        LastTerminatedAt = Epoch.Ms(s.LastTerminatedAt),
        UserId = s.UserId.ToString(),
        Deleted = s.Deleted ? true : null,
    };

    private static JsonElement? PublicPull(string? json)
    {
        if (json is null)
        {
            return null;
        }
        var pull = JsonSerializer.Deserialize<PullSpec>(json, GatewayJson.Options)!;
        pull.Headers = null;
        return JsonSerializer.SerializeToElement(pull, GatewayJson.Options);
    }

    /// <summary>Targets are returned as <c>{profile, videoOnly, id}</c>; an inline spec (with its URL) stays private.</summary>
    private static JsonElement? PublicMultistream(string? json)
    {
        if (json is null)
        {
            return null;
        }
        var spec = JsonSerializer.Deserialize<MultistreamSpec>(json, GatewayJson.Options)!;
        foreach (var target in spec.Targets ?? [])
        {
            target.Spec = null;
        }
        return JsonSerializer.SerializeToElement(spec, GatewayJson.Options);
    }
}
