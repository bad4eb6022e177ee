using System.Text.Json;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Webhooks;

public sealed record WebhookStatus(JsonElement? LastFailure, long? LastTriggeredAt);

public sealed class WebhookResource
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string Kind { get; init; } = "webhook";
    public required string UserId { get; init; }
    public required string ProjectId { get; init; }
    public long CreatedAt { get; init; }
    public required IReadOnlyList<string> Events { get; init; }
    public required string Url { get; init; }
    public string? StreamId { get; init; }
    public WebhookStatus? Status { get; init; }

    public static WebhookResource From(Webhook w) => new()
    {
        Id = w.Id.ToString(),
        Name = w.Name,
        UserId = w.UserId.ToString(),
        ProjectId = w.ProjectId.ToString(),
        CreatedAt = Epoch.Ms(w.CreatedAt),
        Events = w.Events,
        Url = w.Url,
        StreamId = w.StreamId?.ToString(),
        Status = w.LastTriggeredAt is null && w.LastFailure is null
            ? null
            : new WebhookStatus(
                StoredJson.Element(w.LastFailure),
                Epoch.Ms(w.LastTriggeredAt)),
    };
}
