using System.Text.Json.Serialization;

namespace StreamGateway.Core.Streams;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RecordingSpec
{
    public List<FfmpegProfile>? Profiles { get; set; }
}
