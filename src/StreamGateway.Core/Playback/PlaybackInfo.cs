namespace StreamGateway.Core.Playback;

/// <summary>PlaybackInfo (studio-api §3.8).</summary>
public sealed record PlaybackInfo(string Type, PlaybackMeta Meta);
