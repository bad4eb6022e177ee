using System.Buffers;
using System.Buffers.Binary;

namespace StreamGateway.Media.Rtmp;

/// <summary>
/// Splits a message into chunks (RTMP spec 5.3): a type 0 header on the first chunk, type 3 headers on the
/// rest. Always starting with type 0 costs a few bytes per message and never depends on what the peer
/// remembers, which is all a server sending a handful of replies needs.
/// </summary>
internal sealed class RtmpChunkWriter
{
    /// <summary>The message length field is 24 bits (5.3.1.2.1).</summary>
    public const int MaxMessageLength = 0xFFFFFF;

    public int ChunkSize { get; set; } = RtmpChunkReader.DefaultChunkSize;

    public void Write(IBufferWriter<byte> output, int chunkStreamId, byte typeId, uint streamId, uint timestamp,
        ReadOnlySpan<byte> payload)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkStreamId, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkStreamId, 65599);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, MaxMessageLength);

        var extended = timestamp >= 0xFFFFFF;
        var offset = 0;
        do
        {
            var first = offset == 0;
            var headerLength = BasicHeaderLength(chunkStreamId) + (first ? 11 : 0) + (extended ? 4 : 0);
            var size = Math.Min(ChunkSize, payload.Length - offset);
            var span = output.GetSpan(headerLength + size);

            var at = WriteBasicHeader(span, first ? 0 : 3, chunkStreamId);
            if (first)
            {
                WriteUInt24(span[at..], extended ? 0xFFFFFF : timestamp);
                WriteUInt24(span[(at + 3)..], (uint)payload.Length);
                span[at + 6] = typeId;
                BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 7)..], streamId);
                at += 11;
            }

            // 5.3.1.3: the extended timestamp is repeated on every type 3 chunk of the message.
            if (extended)
            {
                BinaryPrimitives.WriteUInt32BigEndian(span[at..], timestamp);
                at += 4;
            }

            payload.Slice(offset, size).CopyTo(span[at..]);
            output.Advance(at + size);
            offset += size;
        }
        while (offset < payload.Length);
    }

    private static int BasicHeaderLength(int csid) => csid < 64 ? 1 : csid < 320 ? 2 : 3;

    private static int WriteBasicHeader(Span<byte> span, int fmt, int csid)
    {
        if (csid < 64)
        {
            span[0] = (byte)((fmt << 6) | csid);
            return 1;
        }

        if (csid < 320)
        {
            span[0] = (byte)(fmt << 6);
            span[1] = (byte)(csid - 64);
            return 2;
        }

        span[0] = (byte)((fmt << 6) | 1);
        span[1] = (byte)((csid - 64) & 0xFF);
        span[2] = (byte)((csid - 64) >> 8);
        return 3;
    }

    private static void WriteUInt24(Span<byte> span, uint value)
    {
        span[0] = (byte)(value >> 16);
        span[1] = (byte)(value >> 8);
        span[2] = (byte)value;
    }
}
