using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamGateway.Core.Streams;

/// <summary>studio-api §3.4.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class PlaybackPolicy
{
    public string? Type { get; set; }
    public string? WebhookId { get; set; }
    public JsonElement? WebhookContext { get; set; }
    public double? RefreshInterval { get; set; }
    public List<string>? AllowedOrigins { get; set; }
}
