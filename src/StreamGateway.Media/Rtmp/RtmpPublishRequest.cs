namespace StreamGateway.Media.Rtmp;

/// <summary>What a publisher asked for. <paramref name="StreamName"/> is the publish name up to any '?'
/// (the stream key: a secret, never log it); <paramref name="Query"/> is what followed the '?', if anything.</summary>
public sealed record RtmpPublishRequest(string App, string StreamName, string? Query, string? TcUrl);
