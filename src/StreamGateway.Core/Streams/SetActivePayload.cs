using System.Text.Json.Serialization;

namespace StreamGateway.Core.Streams;

/// <summary>PUT /stream/{id}/setactive, the media-server hook (studio-api §9.6).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class SetActivePayload
{
    public bool? Active { get; set; }
    public long? StartedAt { get; set; }
    public string? HostName { get; set; }
}
