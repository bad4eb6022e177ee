using System.Buffers;
using System.Buffers.Binary;

namespace StreamGateway.Media.Flv;

/// <summary>Writes the FLV container (Adobe FLV spec v10.1, annex E): file header and tags.</summary>
public static class FlvWriter
{
    public const byte AudioTag = 8;
    public const byte VideoTag = 9;
    public const byte ScriptTag = 18;

    /// <summary>Tag header: type (1), data size (3), timestamp (3), timestamp extended (1), stream id (3).</summary>
    public const int TagHeaderSize = 11;

    /// <summary>"FLV", version 1, flags (audio 0x04, video 0x01), header size 9, then PreviousTagSize0 = 0: 13 bytes.</summary>
    public static byte[] Header(bool hasAudio, bool hasVideo)
    {
        var header = new byte[13];
        header[0] = (byte)'F';
        header[1] = (byte)'L';
        header[2] = (byte)'V';
        header[3] = 1;
        header[4] = (byte)((hasAudio ? 0x04 : 0) | (hasVideo ? 0x01 : 0));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(5), 9);
        return header;
    }

    /// <summary>One tag followed by its PreviousTagSize (11 + payload length).</summary>
    public static void WriteTag(IBufferWriter<byte> output, byte tagType, uint timestamp, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, 0xFFFFFF, nameof(payload));

        var total = TagHeaderSize + payload.Length + 4;
        var span = output.GetSpan(total);
        span[0] = tagType;
        WriteUInt24(span[1..], (uint)payload.Length);

        // The low 24 bits of the millisecond timestamp, then the upper 8 bits in TimestampExtended.
        WriteUInt24(span[4..], timestamp & 0xFFFFFF);
        span[7] = (byte)(timestamp >> 24);
        WriteUInt24(span[8..], 0);
        payload.CopyTo(span[TagHeaderSize..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[(TagHeaderSize + payload.Length)..], (uint)(TagHeaderSize + payload.Length));
        output.Advance(total);
    }

    private static void WriteUInt24(Span<byte> span, uint value)
    {
        span[0] = (byte)(value >> 16);
        span[1] = (byte)(value >> 8);
        span[2] = (byte)value;
    }
}
