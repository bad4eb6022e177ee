using System.Buffers.Binary;
using StreamGateway.Media.Rtmp;

namespace StreamGateway.Media.Tests.Rtmp;

/// <summary>Builds chunk-stream bytes by hand, header field by header field (RTMP spec 5.3.1), so tests can
/// produce any chunk type sequence, including ones our own writer never emits.</summary>
internal sealed class ChunkBuilder
{
    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    /// <summary>The chunk size <see cref="Message"/> uses by default; <see cref="SetChunkSize"/> changes it, as for a real peer.</summary>
    public int ChunkSize { get; set; } = 128;

    public byte[] ToArray() => [.. _bytes];

    public ChunkBuilder Raw(params byte[] data)
    {
        _bytes.AddRange(data);
        return this;
    }

    public ChunkBuilder BasicHeader(int fmt, int csid)
    {
        if (csid < 64)
        {
            return Raw((byte)((fmt << 6) | csid));
        }

        if (csid < 320)
        {
            return Raw((byte)(fmt << 6), (byte)(csid - 64));
        }

        return Raw((byte)((fmt << 6) | 1), (byte)((csid - 64) & 0xFF), (byte)((csid - 64) >> 8));
    }

    /// <summary>Type 0: absolute timestamp (extended when ≥ 0xFFFFFF), length, type id, stream id (little-endian).</summary>
    public ChunkBuilder Fmt0(int csid, uint timestamp, int length, byte typeId, uint streamId)
    {
        BasicHeader(0, csid);
        UInt24(Math.Min(timestamp, 0xFFFFFF));
        UInt24((uint)length);
        Raw(typeId);
        var sid = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(sid, streamId);
        Raw(sid);
        return timestamp >= 0xFFFFFF ? UInt32(timestamp) : this;
    }

    /// <summary>Type 1: timestamp delta, length, type id.</summary>
    public ChunkBuilder Fmt1(int csid, uint delta, int length, byte typeId)
    {
        BasicHeader(1, csid);
        UInt24(Math.Min(delta, 0xFFFFFF));
        UInt24((uint)length);
        Raw(typeId);
        return delta >= 0xFFFFFF ? UInt32(delta) : this;
    }

    /// <summary>Type 2: timestamp delta only.</summary>
    public ChunkBuilder Fmt2(int csid, uint delta)
    {
        BasicHeader(2, csid);
        UInt24(Math.Min(delta, 0xFFFFFF));
        return delta >= 0xFFFFFF ? UInt32(delta) : this;
    }

    /// <summary>Type 3, optionally followed by the repeated extended timestamp.</summary>
    public ChunkBuilder Fmt3(int csid, uint? extendedTimestamp = null)
    {
        BasicHeader(3, csid);
        return extendedTimestamp is { } ext ? UInt32(ext) : this;
    }

    /// <summary>A whole message: type 0 header, then type 3 continuation chunks of <paramref name="chunkSize"/>.</summary>
    public ChunkBuilder Message(int csid, byte typeId, uint streamId, uint timestamp, ReadOnlySpan<byte> payload, int? chunkSizeOverride = null)
    {
        var chunkSize = chunkSizeOverride ?? ChunkSize;
        Fmt0(csid, timestamp, payload.Length, typeId, streamId);
        for (var offset = 0; offset < payload.Length || offset == 0; offset += chunkSize)
        {
            if (offset > 0)
            {
                Fmt3(csid, timestamp >= 0xFFFFFF ? timestamp : null);
            }

            Raw(payload.Slice(offset, Math.Min(chunkSize, payload.Length - offset)).ToArray());
            if (payload.Length == 0)
            {
                break;
            }
        }

        return this;
    }

    public ChunkBuilder Command(int csid, uint streamId, params object?[] values) =>
        Message(csid, 20, streamId, 0, Amf0.Encode(values));

    public ChunkBuilder SetChunkSize(uint size)
    {
        Message(2, 1, 0, 0, BigEndian(size));
        if (size is > 0 and <= int.MaxValue)
        {
            ChunkSize = (int)size;
        }

        return this;
    }

    public ChunkBuilder UInt24(uint value) => Raw((byte)(value >> 16), (byte)(value >> 8), (byte)value);

    public ChunkBuilder UInt32(uint value) => Raw(BigEndian(value));

    public static byte[] BigEndian(uint value)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return b;
    }
}
