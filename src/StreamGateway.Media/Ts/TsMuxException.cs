namespace StreamGateway.Media.Ts;

/// <summary>
/// Media that cannot be muxed into MPEG-TS as it is: a malformed FLV tag or codec configuration, a codec the muxer
/// does not carry, timestamps that run backwards, or a segment that never reaches a keyframe. The publisher's bytes
/// are at fault, never the process; the message says what was wrong, for the stream's issue.
/// </summary>
public sealed class TsMuxException(string message) : Exception(message);
