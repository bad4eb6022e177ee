namespace StreamGateway.Core.Assets;

/// <summary>ClipPayload (studio-api §3.9): a range of a live stream, in Unix milliseconds of when it was streamed.</summary>
public sealed class ClipPayload
{
    public string? PlaybackId { get; set; }
    public double? StartTime { get; set; }
    public double? EndTime { get; set; }
    public string? Name { get; set; }
    public string? SessionId { get; set; }
}
