using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamGateway.Core.Streams;

/// <summary>
/// A transcoding profile (studio-api §3.3). Numbers are integers; a fractional value is a type error (422).
/// Live profiles (FfmpegProfile) and recording profiles (TranscodeProfile) share these fields and differ only
/// in which are required, which <see cref="StreamRules"/> checks.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class FfmpegProfile
{
    public string? Name { get; set; }
    public int? Width { get; set; }
    public int? Height { get; set; }
    public int? Bitrate { get; set; }
    public int? Fps { get; set; }
    public int? FpsDen { get; set; }
    public int? Quality { get; set; }
    public string? Gop { get; set; }
    public string? Profile { get; set; }
    public string? Encoder { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RecordingSpec
{
    public List<FfmpegProfile>? Profiles { get; set; }
}

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

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class MultistreamSpec
{
    public List<MultistreamTargetRef>? Targets { get; set; }
}

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

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class MultistreamTargetSpec
{
    public string? Name { get; set; }
    public string? Url { get; set; }
}

/// <summary>POST /stream (studio-api §3.2).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class NewStreamPayload
{
    public string? Name { get; set; }
    public JsonElement? Pull { get; set; }
    public JsonElement? CreatorId { get; set; }
    public PlaybackPolicy? PlaybackPolicy { get; set; }
    public List<FfmpegProfile>? Profiles { get; set; }
    public bool? Record { get; set; }
    public RecordingSpec? RecordingSpec { get; set; }
    public MultistreamSpec? Multistream { get; set; }
    public JsonElement? UserTags { get; set; }
}

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
}

/// <summary>PUT /stream/{id}/setactive, the media-server hook (studio-api §9.6).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class SetActivePayload
{
    public bool? Active { get; set; }
    public long? StartedAt { get; set; }
    public string? HostName { get; set; }
}
