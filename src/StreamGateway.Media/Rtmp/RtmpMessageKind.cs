namespace StreamGateway.Media.Rtmp;

/// <summary>RTMP message type ids of the messages a publish delivers (RTMP spec 7.1.4 / 7.1.5 / 7.1.2); they
/// equal the FLV tag types, so <c>(byte)Kind</c> can be written as an FLV TagType.</summary>
public enum RtmpMessageKind
{
    Audio = 8,
    Video = 9,
    Data = 18,
}
