using System.Buffers.Binary;

namespace StreamGateway.Media.Ts;

/// <summary>The video codecs the muxer carries, each with its MPEG-TS stream_type (ISO/IEC 13818-1 table 2-34).</summary>
public enum TsVideoCodec
{
    H264 = 0x1B,
    Hevc = 0x24,
}

/// <summary>
/// A video decoder configuration record as FLV sends it in a sequence header: the size of the NAL unit length prefix
/// and the parameter sets (H.264 SPS and PPS; HEVC VPS, SPS and PPS), in the order the record lists them.
/// </summary>
public sealed class VideoConfig
{
    /// <summary>Far more than any encoder sends; bounds what a publisher can make us keep.</summary>
    public const int MaxParameterSets = 64;

    private VideoConfig(TsVideoCodec codec, int lengthSize, IReadOnlyList<byte[]> parameterSets)
    {
        Codec = codec;
        LengthSize = lengthSize;
        ParameterSets = parameterSets;
    }

    public TsVideoCodec Codec { get; }

    /// <summary>Bytes in each NAL unit's length prefix: 1, 2 or 4.</summary>
    public int LengthSize { get; }

    public IReadOnlyList<byte[]> ParameterSets { get; }

    /// <summary>
    /// AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1): version 1, profile, compatibility, level,
    /// 6 reserved bits + lengthSizeMinusOne, 3 reserved bits + numOfSequenceParameterSets, each as a 16-bit length and
    /// the NAL unit, then numOfPictureParameterSets likewise. Fields after the PPS (High profiles' chroma format and
    /// bit depths) are not needed to copy the stream.
    /// </summary>
    /// <exception cref="TsMuxException">The record is malformed.</exception>
    public static VideoConfig ParseAvc(ReadOnlySpan<byte> record)
    {
        if (record.Length < 7)
        {
            throw new TsMuxException("the AVC decoder configuration record is shorter than 7 bytes");
        }
        if (record[0] != 1)
        {
            throw new TsMuxException($"the AVC decoder configuration record has version {record[0]}, not 1");
        }
        var lengthSize = LengthSizeOf(record[4] & 3);
        var sets = new List<byte[]>();
        var at = 6;
        ReadSets(record, ref at, record[5] & 0x1F, sets, "SPS");
        if (at >= record.Length)
        {
            throw new TsMuxException("the AVC decoder configuration record ends before its PPS count");
        }
        var ppsCount = record[at++];
        ReadSets(record, ref at, ppsCount, sets, "PPS");
        if (!sets.Any(s => (s[0] & 0x1F) == 7) || !sets.Any(s => (s[0] & 0x1F) == 8))
        {
            throw new TsMuxException("the AVC decoder configuration record lacks an SPS or a PPS");
        }
        return new VideoConfig(TsVideoCodec.H264, lengthSize, sets);
    }

    /// <summary>
    /// HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 §8.3.3.1): 21 bytes of profile, level and format facts, then
    /// a byte whose low two bits are lengthSizeMinusOne, then numOfArrays, each array a byte with the NAL unit type in
    /// its low six bits, a 16-bit count and that many NAL units, each with a 16-bit length.
    /// </summary>
    /// <exception cref="TsMuxException">The record is malformed.</exception>
    public static VideoConfig ParseHevc(ReadOnlySpan<byte> record)
    {
        if (record.Length < 23)
        {
            throw new TsMuxException("the HEVC decoder configuration record is shorter than 23 bytes");
        }
        if (record[0] != 1)
        {
            throw new TsMuxException($"the HEVC decoder configuration record has version {record[0]}, not 1");
        }
        var lengthSize = LengthSizeOf(record[21] & 3);
        var sets = new List<byte[]>();
        var arrays = record[22];
        var at = 23;
        for (var i = 0; i < arrays; i++)
        {
            if (at + 3 > record.Length)
            {
                throw new TsMuxException("the HEVC decoder configuration record ends inside its NAL unit arrays");
            }
            var count = BinaryPrimitives.ReadUInt16BigEndian(record[(at + 1)..]);
            at += 3;
            ReadSets(record, ref at, count, sets, "HEVC parameter set");
        }
        if (!sets.Any(s => HevcType(s) == 33) || !sets.Any(s => HevcType(s) == 34))
        {
            throw new TsMuxException("the HEVC decoder configuration record lacks an SPS or a PPS");
        }
        return new VideoConfig(TsVideoCodec.Hevc, lengthSize, sets);
    }

    internal static int HevcType(ReadOnlySpan<byte> nal) => (nal[0] >> 1) & 0x3F;

    private static int LengthSizeOf(int minusOne) => minusOne == 2
        ? throw new TsMuxException("a NAL unit length size of 3 bytes is not allowed")
        : minusOne + 1;

    private static void ReadSets(ReadOnlySpan<byte> record, ref int at, int count, List<byte[]> sets, string what)
    {
        for (var i = 0; i < count; i++)
        {
            if (at + 2 > record.Length)
            {
                throw new TsMuxException($"the decoder configuration record ends before {what} {i + 1} of {count}");
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(record[at..]);
            at += 2;
            if (length == 0 || at + length > record.Length)
            {
                throw new TsMuxException($"{what} {i + 1} of the decoder configuration record is empty or runs past its end");
            }
            if (sets.Count == MaxParameterSets)
            {
                throw new TsMuxException($"the decoder configuration record has more than {MaxParameterSets} parameter sets");
            }
            sets.Add(record.Slice(at, length).ToArray());
            at += length;
        }
    }
}
