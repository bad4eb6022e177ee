using System.Buffers;

namespace StreamGateway.Media.Ts;

/// <summary>
/// Turns one FLV video frame (NAL units with length prefixes, ISO/IEC 14496-15) into an Annex B access unit as MPEG-TS
/// carries it (ITU-T H.264 / H.265 annex B; ISO/IEC 13818-1 §2.14): an access unit delimiter first, then, before a
/// random access picture that does not carry its own, the parameter sets from the sequence header, then the frame's
/// NAL units, each after a 4-byte start code. Delimiters in the frame are dropped, since one is written. Pure.
/// </summary>
public static class AccessUnits
{
    private static readonly byte[] StartCode = [0, 0, 0, 1];

    /// <summary>primary_pic_type 7 (any slice type) and the RBSP stop bit.</summary>
    private static readonly byte[] H264Delimiter = [0, 0, 0, 1, 0x09, 0xF0];

    /// <summary>nal_unit_type 35, layer 0, temporal id 1; pic_type 2 (any slice type) and the stop bit.</summary>
    private static readonly byte[] HevcDelimiter = [0, 0, 0, 1, 0x46, 0x01, 0x50];

    /// <summary>Appends the access unit to <paramref name="output"/>; returns false when the frame holds no NAL unit.</summary>
    /// <param name="keyframe">FLV says this frame is a key frame: it gets parameter sets even if it is not an IDR.</param>
    /// <exception cref="TsMuxException">A length prefix is cut off or runs past the frame.</exception>
    public static bool Write(VideoConfig config, ReadOnlySpan<byte> frame, bool keyframe, IBufferWriter<byte> output)
    {
        var hevc = config.Codec == TsVideoCodec.Hevc;
        bool any = false, randomAccess = keyframe, carriesSets = false;
        ForEach(config.LengthSize, frame, nal =>
        {
            var type = hevc ? VideoConfig.HevcType(nal) : nal[0] & 0x1F;
            any |= !IsDelimiter(type, hevc);
            randomAccess |= hevc ? type is >= 16 and <= 21 : type == 5;
            carriesSets |= hevc ? type == 33 : type == 7;
        });
        if (!any)
        {
            return false;
        }
        output.Write(hevc ? HevcDelimiter : H264Delimiter);
        if (randomAccess && !carriesSets)
        {
            foreach (var set in config.ParameterSets)
            {
                output.Write(StartCode);
                output.Write(set);
            }
        }
        var writer = output;
        ForEach(config.LengthSize, frame, nal =>
        {
            if (!IsDelimiter(hevc ? VideoConfig.HevcType(nal) : nal[0] & 0x1F, hevc))
            {
                writer.Write(StartCode);
                writer.Write(nal);
            }
        });
        return true;
    }

    private static bool IsDelimiter(int type, bool hevc) => hevc ? type == 35 : type == 9;

    private delegate void NalAction(ReadOnlySpan<byte> nal);

    private static void ForEach(int lengthSize, ReadOnlySpan<byte> frame, NalAction action)
    {
        var at = 0;
        while (at < frame.Length)
        {
            if (at + lengthSize > frame.Length)
            {
                throw new TsMuxException("a video frame ends inside a NAL unit length");
            }
            var length = 0L;
            for (var i = 0; i < lengthSize; i++)
            {
                length = (length << 8) | frame[at + i];
            }
            at += lengthSize;
            if (length > frame.Length - at)
            {
                throw new TsMuxException($"a NAL unit length of {length} bytes runs past the end of the video frame");
            }
            if (length > 0)
            {
                action(frame.Slice(at, (int)length));
            }
            at += (int)length;
        }
    }
}
