using System.Text.Json;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Webhooks;

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
