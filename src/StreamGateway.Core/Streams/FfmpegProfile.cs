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
