namespace StreamGateway.Core.Webhooks;

public sealed record WebhookLogRequest(string Url, string Method, IReadOnlyDictionary<string, string> Headers, string Body);
