namespace StreamGateway.Media.Rtmp;

/// <summary>RTMP message type ids (RTMP spec 5.4 protocol control, 6.2 user control, 7.1 RTMP messages).</summary>
internal static class RtmpMessageType
{
    public const byte SetChunkSize = 1;
    public const byte Abort = 2;
    public const byte Acknowledgement = 3;
    public const byte UserControl = 4;
    public const byte WindowAckSize = 5;
    public const byte SetPeerBandwidth = 6;
    public const byte Audio = 8;
    public const byte Video = 9;
    public const byte DataAmf3 = 15;
    public const byte CommandAmf3 = 17;
    public const byte DataAmf0 = 18;
    public const byte CommandAmf0 = 20;
}

/// <summary>User Control event types (RTMP spec 7.1.7).</summary>
internal static class UserControlEvent
{
    public const ushort StreamBegin = 0;
    public const ushort PingRequest = 6;
    public const ushort PingResponse = 7;
}

/// <summary>A complete RTMP message as reassembled from chunks. The payload belongs to the chunk reader and is
/// only valid until its next read.</summary>
internal readonly record struct RtmpMessage(int ChunkStreamId, byte TypeId, uint StreamId, uint Timestamp, ReadOnlyMemory<byte> Payload);

/// <summary>The peer broke the protocol or a limit; the connection is closed with this message as the reason.</summary>
internal sealed class RtmpProtocolException(string message) : Exception(message);
