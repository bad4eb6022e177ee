namespace StreamGateway.Media.Rtmp;

/// <summary>A complete RTMP message as reassembled from chunks. The payload belongs to the chunk reader and is
/// only valid until its next read.</summary>
internal readonly record struct RtmpMessage(int ChunkStreamId, byte TypeId, uint StreamId, uint Timestamp, ReadOnlyMemory<byte> Payload);
