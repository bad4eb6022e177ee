namespace StreamGateway.Core.Multistream;

/// <summary>One push a live session should have: its rendition's segments, remuxed, to one target.</summary>
/// <param name="Rendition">"source" or a profile's name: the folder its segments are listed and stored under.</param>
public sealed record PushPlan(Guid SessionId, Guid StreamId, string PlaybackId, Guid TargetId, string TargetName, string Url,
    string Rendition, bool VideoOnly);
