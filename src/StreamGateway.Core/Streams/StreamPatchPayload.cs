using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamGateway.Core.Streams;

/// <summary>PATCH /stream/{id}: every field optional; an empty patch is valid (studio-api §3.2).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class StreamPatchPayload
{
    public string? Name { get; set; }
    public JsonElement? CreatorId { get; set; }
    public bool? Record { get; set; }
    public bool? Suspended { get; set; }
    public MultistreamSpec? Multistream { get; set; }
    public PlaybackPolicy? PlaybackPolicy { get; set; }
    public List<FfmpegProfile>? Profiles { get; set; }
    public RecordingSpec? RecordingSpec { get; set; }
    public JsonElement? UserTags { get; set; }
    /// <summary>A new source to pull from (pulling starts); <c>null</c> stops pulling and forgets it.</summary>
    public PullSpec? Pull { get; set; }
}
