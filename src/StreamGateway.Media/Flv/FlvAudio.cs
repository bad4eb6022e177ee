namespace StreamGateway.Media.Flv;

/// <summary>Facts about FLV audio tag payloads (AUDIODATA, FLV spec E.4.2.1).</summary>
public static class FlvAudio
{
    /// <summary>SoundFormat 10 = AAC (upper nibble of the first byte).</summary>
    public const int AacSoundFormat = 10;

    /// <summary>SoundFormat 10 with AACPacketType 0: an AudioSpecificConfig follows.</summary>
    public static bool IsAacSequenceHeader(ReadOnlySpan<byte> payload) =>
        payload.Length >= 2 && (payload[0] >> 4) == AacSoundFormat && payload[1] == 0;

    /// <summary>
    /// RFC 6381 codec string "mp4a.40.&lt;audioObjectType&gt;" from the AudioSpecificConfig (ISO/IEC 14496-3
    /// 1.6.2.1): a 5-bit audioObjectType, where 31 escapes to 32 + the next 6 bits.
    /// </summary>
    public static string? AacCodecString(ReadOnlySpan<byte> payload)
    {
        if (!IsAacSequenceHeader(payload) || payload.Length < 3)
        {
            return null;
        }

        var config = payload[2..];
        var objectType = config[0] >> 3;
        if (objectType == 31)
        {
            if (config.Length < 2)
            {
                return null;
            }

            objectType = 32 + (((config[0] & 0x07) << 3) | (config[1] >> 5));
        }

        return objectType == 0 ? null : $"mp4a.40.{objectType}";
    }
}
