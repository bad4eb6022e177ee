using System.Text.Json;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Assets;

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
