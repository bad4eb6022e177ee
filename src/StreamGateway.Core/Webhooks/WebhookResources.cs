using System.Text.Json;
using System.Text.Json.Serialization;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Webhooks;

/// <summary>WebhookInput (studio-api §3.7). <c>sharedSecret</c> is write-only.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class WebhookInput
{
    public string? Name { get; set; }
    public string? Url { get; set; }
    public List<string>? Events { get; set; }
    public string? SharedSecret { get; set; }
    public string? StreamId { get; set; }
    public string? ProjectId { get; set; }
}

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

public sealed record WebhookLogRequest(string Url, string Method, IReadOnlyDictionary<string, string> Headers, string Body);

public sealed record WebhookLogResponse(string? Body, int? Status, string? StatusText);

public sealed class WebhookLogResource
{
    public required string Id { get; init; }
    public required string WebhookId { get; init; }
    public required string Event { get; init; }
    public long CreatedAt { get; init; }
    public double Duration { get; init; }
    public bool Success { get; init; }
    public required WebhookLogRequest Request { get; init; }
    public WebhookLogResponse? Response { get; init; }
    /// <summary>Why no response came (network error, timeout, refused address); absent when one did.</summary>
    public string? Error { get; init; }

    public static WebhookLogResource From(WebhookLog l) => new()
    {
        Id = l.Id.ToString(),
        WebhookId = l.WebhookId.ToString(),
        Event = l.Event,
        CreatedAt = Epoch.Ms(l.CreatedAt),
        Duration = l.Duration,
        Success = l.Success,
        Request = new WebhookLogRequest(l.RequestUrl, "POST",
            JsonSerializer.Deserialize<Dictionary<string, string>>(l.RequestHeaders)!, l.RequestBody),
        Response = l.ResponseStatus is null ? null : new WebhookLogResponse(l.ResponseBody, l.ResponseStatus, l.ResponseStatusText),
        Error = l.Error,
    };
}
