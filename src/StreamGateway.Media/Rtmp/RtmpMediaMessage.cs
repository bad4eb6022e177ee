namespace StreamGateway.Media.Rtmp;

/// <summary>
/// One media message of a publish. <paramref name="Timestamp"/> is absolute in milliseconds (deltas and
/// extended timestamps applied). <paramref name="Payload"/> is only valid during <see cref="IRtmpPublishSink.WriteAsync"/>.
/// For <see cref="RtmpMessageKind.Data"/> the payload starts at the "onMetaData" string, as an FLV script tag does.
/// </summary>
public readonly record struct RtmpMediaMessage(RtmpMessageKind Kind, uint Timestamp, ReadOnlyMemory<byte> Payload);
