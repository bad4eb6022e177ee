namespace StreamGateway.Core.Webhooks;

public sealed record WebhookLogResponse(string? Body, int? Status, string? StatusText);
