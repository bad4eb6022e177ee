using System.Text.Json.Serialization;

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
