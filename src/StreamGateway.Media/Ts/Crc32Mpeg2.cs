namespace StreamGateway.Media.Ts;

/// <summary>
/// The CRC that ends every PSI section (ISO/IEC 13818-1 annex A): polynomial 0x04C11DB7, register preset to all ones,
/// bits taken most significant first, no final inversion. Over a whole section including its CRC the result is 0.
/// </summary>
public static class Crc32Mpeg2
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = (crc << 8) ^ Table[(crc >> 24) ^ b];
        }
        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var i = 0u; i < 256; i++)
        {
            var value = i << 24;
            for (var bit = 0; bit < 8; bit++)
            {
                value = (value & 0x80000000) != 0 ? (value << 1) ^ 0x04C11DB7 : value << 1;
            }
            table[i] = value;
        }
        return table;
    }
}
