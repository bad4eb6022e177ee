namespace StreamGateway.Core.Playback;

public sealed record PlaybackSource(string Hrn, string Type, string Url);
