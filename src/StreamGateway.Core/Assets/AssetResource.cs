using StreamGateway.Core.Storage;
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
        var mp4s = Mp4Download.Of(a);
        return new AssetResource
        {
            Id = a.Id.ToString(),
            Name = a.Name,
            PlaybackId = a.PlaybackId,
            UserId = a.UserId.ToString(),
            ProjectId = a.ProjectId.ToString(),
            PlaybackUrl = a.HasPlayback ? MediaUrls.Playlist(baseUrl, a.PlaybackId) : null,
            DownloadUrl = a.Phase == AssetPhase.Ready && mp4s.Count > 0 ? MediaUrls.File(baseUrl, a.PlaybackId, mp4s[0].Name) : null,
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
