using System.Text.Json;
using System.Text.Json.Nodes;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Assets;

public sealed record AssetStatus(string Phase, long UpdatedAt, double? Progress, string? ErrorMessage);

public sealed record AssetSource(string Type, string? Url = null, string? SessionId = null, string? PlaybackId = null);

/// <summary>The Asset as the API returns it (studio-api §3.6).</summary>
public sealed class AssetResource
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string Type { get; init; } = "video";
    public required string PlaybackId { get; init; }
    public required string UserId { get; init; }
    public required string ProjectId { get; init; }
    public string? PlaybackUrl { get; init; }
    public string? DownloadUrl { get; init; }
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)]
    public JsonElement? PlaybackPolicy { get; init; }
    public required AssetSource Source { get; init; }
    public JsonElement? CreatorId { get; init; }
    public JsonElement? Profiles { get; init; }
    public bool? StaticMp4 { get; init; }
    public required AssetStatus Status { get; init; }
    public long CreatedAt { get; init; }
    public string? CreatedByTokenName { get; init; }
    public long? Size { get; init; }
    public JsonNode? VideoSpec { get; init; }

    /// <param name="baseUrl">The gateway's public base URL, for playbackUrl and downloadUrl.</param>
    /// <param name="details">Keep videoSpec.tracks (<c>?details=1</c>); Studio drops them otherwise.</param>
    public static AssetResource From(Asset a, string baseUrl, bool details = false)
    {
        var spec = a.VideoSpec is null ? null : JsonNode.Parse(a.VideoSpec);
        if (!details && spec is JsonObject o)
        {
            o.Remove("tracks");
        }
        var mp4s = AssetFiles.Mp4s(a);
        return new AssetResource
        {
            Id = a.Id.ToString(),
            Name = a.Name,
            PlaybackId = a.PlaybackId,
            UserId = a.UserId.ToString(),
            ProjectId = a.ProjectId.ToString(),
            PlaybackUrl = a.HasPlayback ? AssetFiles.PlaybackUrl(baseUrl, a.PlaybackId) : null,
            DownloadUrl = a.Phase == AssetPhase.Ready && mp4s.Count > 0 ? AssetFiles.Mp4Url(baseUrl, a.PlaybackId, mp4s[0].Name) : null,
            PlaybackPolicy = StoredJson.Element(a.PlaybackPolicy),
            Source = new AssetSource(a.SourceType, a.SourceUrl, a.SourceSessionId?.ToString(), a.SourceType == "clip" ? a.SourcePlaybackId : null),
            CreatorId = StoredJson.Element(a.CreatorId),
            Profiles = StoredJson.Element(a.Profiles),
            StaticMp4 = a.StaticMp4 ? true : null,
            Status = new AssetStatus(a.Phase, Epoch.Ms(a.UpdatedAt), a.Phase == AssetPhase.Processing ? a.Progress : null, a.ErrorMessage),
            CreatedAt = Epoch.Ms(a.CreatedAt),
            CreatedByTokenName = a.CreatedByTokenName,
            Size = a.Size,
            VideoSpec = spec,
        };
    }
}

public sealed record TaskStatus(string Phase, long UpdatedAt, double? Progress, string? ErrorMessage, int? Retries);

/// <summary>The Task as the API returns it (studio-api §3.11).</summary>
public sealed class TaskResource
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public long CreatedAt { get; init; }
    public long? ScheduledAt { get; init; }
    public string? InputAssetId { get; init; }
    public string? OutputAssetId { get; init; }
    public required string ProjectId { get; init; }
    public string? RequesterId { get; init; }
    public JsonElement? Params { get; init; }
    public required TaskStatus Status { get; init; }
    public JsonElement? Output { get; init; }

    public static TaskResource From(AssetTask t) => new()
    {
        Id = t.Id.ToString(),
        Type = t.Type,
        CreatedAt = Epoch.Ms(t.CreatedAt),
        ScheduledAt = Epoch.Ms(t.ScheduledAt),
        InputAssetId = t.InputAssetId?.ToString(),
        OutputAssetId = t.OutputAssetId?.ToString(),
        ProjectId = t.ProjectId.ToString(),
        RequesterId = t.UserId.ToString(),
        Params = StoredJson.Element(t.Params),
        Status = new TaskStatus(t.Phase, Epoch.Ms(t.UpdatedAt), t.Progress, t.ErrorMessage, t.Retries > 0 ? t.Retries : null),
        Output = StoredJson.Element(t.Output),
    };
}

/// <summary>Where an asset's files live in the store and on the web.</summary>
public static class AssetFiles
{
    public sealed record Mp4(string Name, int Width, int Height, long Bitrate, long Size);

    public static string SourceKey(Guid assetId) => $"assets/{assetId:N}/source";
    public static string Prefix(string playbackId) => $"vod/{playbackId}";
    public static string MasterKey(string playbackId) => $"vod/{playbackId}/index.m3u8";
    public static string MediaKey(string playbackId, string rendition) => $"vod/{playbackId}/{rendition}/index.m3u8";
    public static string SegmentKey(string playbackId, string rendition, long seq) => $"vod/{playbackId}/{rendition}/{seq}.ts";
    public static string Mp4Key(string playbackId, string name) => $"vod/{playbackId}/{name}";

    public static string PlaybackUrl(string baseUrl, string playbackId) => $"{baseUrl}/hls/{playbackId}/index.m3u8";
    public static string Mp4Url(string baseUrl, string playbackId, string name) => $"{baseUrl}/hls/{playbackId}/{name}";

    /// <summary>Static MP4s, highest bitrate first.</summary>
    public static List<Mp4> Mp4s(Asset a) => a.Mp4s is null
        ? []
        : (JsonSerializer.Deserialize<List<Mp4>>(a.Mp4s, GatewayJson.Options) ?? []).OrderByDescending(m => m.Bitrate).ToList();
}
