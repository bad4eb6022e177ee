using StreamGateway.Core.Http;

namespace StreamGateway.Core.Webhooks;

/// <summary>One delivery attempt, as returned by <c>GET /webhook/{id}/log</c>.</summary>
public sealed class WebhookLog : IListed
{
    public Guid Id { get; set; }
    public Guid WebhookId { get; set; }
    public Guid EventId { get; set; }
    public Guid ProjectId { get; set; }
    public required string Event { get; set; }
    public int Attempt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public double Duration { get; set; }
    public bool Success { get; set; }
    public required string RequestUrl { get; set; }
    /// <summary>Request headers as a JSON object.</summary>
    public required string RequestHeaders { get; set; }
    public required string RequestBody { get; set; }
    public int? ResponseStatus { get; set; }
    public string? ResponseStatusText { get; set; }
    /// <summary>Base64 of the first <see cref="WebhookOptions.MaxResponseBytes"/> bytes of the response body.</summary>
    public string? ResponseBody { get; set; }
    public string? Error { get; set; }
}
