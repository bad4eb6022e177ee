using System.Text.Json.Serialization;

namespace StreamGateway.Core.Streams;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class MultistreamSpec
{
    public List<MultistreamTargetRef>? Targets { get; set; }
}
