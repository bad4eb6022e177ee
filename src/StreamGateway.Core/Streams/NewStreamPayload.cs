using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamGateway.Core.Streams;

/// <summary>POST /stream (studio-api §3.2).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class NewStreamPayload
{
    public string? Name { get; set; }
    public PullSpec? Pull { get; set; }
    public JsonElement? CreatorId { get; set; }
    public PlaybackPolicy? PlaybackPolicy { get; set; }
    public List<FfmpegProfile>? Profiles { get; set; }
    public bool? Record { get; set; }
    public RecordingSpec? RecordingSpec { get; set; }
    public MultistreamSpec? Multistream { get; set; }
    public JsonElement? UserTags { get; set; }
}
