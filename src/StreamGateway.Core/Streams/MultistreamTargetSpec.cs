using System.Text.Json.Serialization;

namespace StreamGateway.Core.Streams;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class MultistreamTargetSpec
{
    public string? Name { get; set; }
    public string? Url { get; set; }
}
