namespace StreamGateway.Media.Ts;

/// <summary>
/// What an ADTS header needs from an AAC AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1): the object type, the
/// sampling frequency index and the channel configuration. ADTS (§1.A.2.2) has two bits for the profile, so only
/// object types 1–4 fit; HE-AAC (SBR, 5) and HE-AAC v2 (PS, 29) are carried as their core object type at the core
/// sampling rate, which is how a decoder that finds SBR implicitly expects them.
/// </summary>
public readonly record struct AacConfig(int ObjectType, int FrequencyIndex, int Channels)
{
    /// <summary>ADTS frame_length has 13 bits and counts the 7-byte header.</summary>
    public const int MaxRawFrameBytes = 8191 - AdtsHeaderBytes;

    public const int AdtsHeaderBytes = 7;

    private static readonly int[] Rates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>The sampling rate of the core AAC stream, in Hz.</summary>
    public int SampleRate => Rates[FrequencyIndex];

    /// <exception cref="TsMuxException">The config is truncated or describes audio ADTS cannot carry.</exception>
    public static AacConfig Parse(ReadOnlySpan<byte> config)
    {
        if (config.Length < 2)
        {
            throw new TsMuxException("the AAC AudioSpecificConfig is shorter than 2 bytes");
        }
        var bits = ((ulong)config[0] << 56) | ((ulong)config[1] << 48) |
                   (config.Length > 2 ? (ulong)config[2] << 40 : 0) | (config.Length > 3 ? (ulong)config[3] << 32 : 0) |
                   (config.Length > 4 ? (ulong)config[4] << 24 : 0);
        var available = Math.Min(config.Length, 5) * 8;
        var used = 0;
        int Take(int n)
        {
            if (used + n > available)
            {
                throw new TsMuxException("the AAC AudioSpecificConfig ends early");
            }
            var value = (int)((bits << used) >> (64 - n));
            used += n;
            return value;
        }
        int ObjectType()
        {
            var type = Take(5);
            return type == 31 ? 32 + Take(6) : type;
        }
        int FrequencyIndex()
        {
            var index = Take(4);
            if (index == 15)
            {
                throw new TsMuxException("the AAC sampling rate is given explicitly, which ADTS cannot carry");
            }
            if (index >= Rates.Length)
            {
                throw new TsMuxException($"the AAC sampling frequency index {index} is reserved");
            }
            return index;
        }

        var objectType = ObjectType();
        var frequency = FrequencyIndex();
        var channels = Take(4);
        if (objectType is 5 or 29)
        {
            FrequencyIndex(); // extensionSamplingFrequencyIndex: the SBR rate; ADTS carries the core rate
            objectType = ObjectType();
        }
        if (objectType is < 1 or > 4)
        {
            throw new TsMuxException($"AAC object type {objectType} cannot be carried in ADTS");
        }
        if (channels is 0 or > 7)
        {
            throw new TsMuxException($"AAC channel configuration {channels} cannot be carried in ADTS");
        }
        return new AacConfig(objectType, frequency, channels);
    }

    /// <summary>
    /// The 7-byte ADTS header (§1.A.2.2.1, no CRC) for a raw frame of <paramref name="rawLength"/> bytes: syncword
    /// 0xFFF, MPEG-4, layer 0, protection absent; profile = object type − 1; buffer fullness 0x7FF (variable rate);
    /// one raw data block.
    /// </summary>
    public void WriteAdtsHeader(Span<byte> header, int rawLength)
    {
        if (rawLength is < 0 or > MaxRawFrameBytes)
        {
            throw new TsMuxException($"an AAC frame of {rawLength} bytes is too long for ADTS");
        }
        var length = rawLength + AdtsHeaderBytes;
        header[0] = 0xFF;
        header[1] = 0xF1;
        header[2] = (byte)(((ObjectType - 1) << 6) | (FrequencyIndex << 2) | (Channels >> 2));
        header[3] = (byte)(((Channels & 3) << 6) | (length >> 11));
        header[4] = (byte)(length >> 3);
        header[5] = (byte)(((length & 7) << 5) | 0x1F);
        header[6] = 0xFC;
    }
}
