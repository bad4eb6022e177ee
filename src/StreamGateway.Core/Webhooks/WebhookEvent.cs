namespace StreamGateway.Core.Webhooks;

/// <summary>
/// The outbox: one row per event, written in the same transaction as the change that causes it, then fanned out
/// to the subscribed webhooks by <see cref="DispatchWebhookEvent"/>.
/// </summary>
public sealed class WebhookEvent
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public Guid UserId { get; set; }
    public required string Event { get; set; }
    public Guid? StreamId { get; set; }
    /// <summary>The sanitised stream (no stream key) as it was when the event happened.</summary>
    public string? Stream { get; set; }
    public string? Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
}
