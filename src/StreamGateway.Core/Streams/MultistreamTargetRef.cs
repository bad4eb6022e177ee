using System.Text.Json.Serialization;

namespace StreamGateway.Core.Streams;

/// <summary>
/// A stream's multistream target (studio-api §3.5). Input carries either an <c>id</c> or an inline <c>spec</c>;
/// an inline spec is given an id and its URL is kept privately (URLs are write-only).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class MultistreamTargetRef
{
    public string? Profile { get; set; }
    public bool? VideoOnly { get; set; }
    public string? Id { get; set; }
    public MultistreamTargetSpec? Spec { get; set; }
}
