namespace StreamGateway.Media.Rtmp;

/// <summary>The peer broke the protocol or a limit; the connection is closed with this message as the reason.</summary>
internal sealed class RtmpProtocolException(string message) : Exception(message);
