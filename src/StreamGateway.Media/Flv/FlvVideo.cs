namespace StreamGateway.Media.Flv;

/// <summary>Facts about FLV video tag payloads (VIDEODATA, FLV spec E.4.3.1).</summary>
public static class FlvVideo
{
    /// <summary>CodecID 7 = AVC.</summary>
    public const int AvcCodecId = 7;

    /// <summary>
    /// FrameType 1 = key frame. FrameType sits in the upper nibble; masking with 0x7 also reads it right in
    /// Enhanced RTMP payloads, whose top bit is the IsExHeader flag.
    /// </summary>
    public static bool IsKeyframe(ReadOnlySpan<byte> payload) => !payload.IsEmpty && ((payload[0] >> 4) & 0x7) == 1;

    /// <summary>CodecID 7 with AVCPacketType 0: the AVCDecoderConfigurationRecord follows.</summary>
    public static bool IsAvcSequenceHeader(ReadOnlySpan<byte> payload) =>
        payload.Length >= 2 && (payload[0] & 0x0F) == AvcCodecId && payload[1] == 0;

    /// <summary>
    /// RFC 6381 codec string "avc1.PPCCLL" (uppercase hex) from the AVCDecoderConfigurationRecord
    /// (ISO/IEC 14496-15 5.2.4.1): configurationVersion = 1, AVCProfileIndication, profile_compatibility,
    /// AVCLevelIndication. The record starts after the 1-byte header, AVCPacketType and 3-byte CompositionTime.
    /// </summary>
    public static string? AvcCodecString(ReadOnlySpan<byte> payload)
    {
        if (!IsAvcSequenceHeader(payload) || payload.Length < 9 || payload[5] != 1)
        {
            return null;
        }

        return $"avc1.{payload[6]:X2}{payload[7]:X2}{payload[8]:X2}";
    }
}
