namespace StreamGateway.Media.Hls;

/// <summary>
/// The H.264 level an encoder that chooses its own picks for a picture: the lowest level of the standard's Table A-1
/// whose limits hold the frame size, the macroblock rate, the decoded picture buffer and the VBV rate and buffer —
/// the test x264 runs when it is given no level. With it a master playlist can name a rendition's codec
/// (<c>avc1.6400xx</c>) before the rendition exists. Pure.
/// </summary>
public static class H264Levels
{
    /// <param name="Idc">level_idc: 31 for level 3.1.</param>
    /// <param name="MaxMbps">Macroblocks per second.</param>
    /// <param name="MaxFrameMbs">Macroblocks per frame.</param>
    /// <param name="MaxDpbMbs">Macroblocks the decoded picture buffer holds.</param>
    /// <param name="MaxKbps">Video bit rate, kbit/s (Baseline and Main; High allows 5/4 of it).</param>
    /// <param name="MaxCpbKbit">Coded picture buffer, kbit (the same factor applies).</param>
    private readonly record struct Level(int Idc, long MaxMbps, int MaxFrameMbs, int MaxDpbMbs, int MaxKbps, int MaxCpbKbit);

    private static readonly Level[] Table =
    [
        new(10, 1485, 99, 396, 64, 175),
        new(11, 3000, 396, 900, 192, 500),
        new(12, 6000, 396, 2376, 384, 1000),
        new(13, 11880, 396, 2376, 768, 2000),
        new(20, 11880, 396, 2376, 2000, 2000),
        new(21, 19800, 792, 4752, 4000, 4000),
        new(22, 20250, 1620, 8100, 4000, 4000),
        new(30, 40500, 1620, 8100, 10000, 10000),
        new(31, 108000, 3600, 18000, 14000, 14000),
        new(32, 216000, 5120, 20480, 20000, 20000),
        new(40, 245760, 8192, 32768, 20000, 25000),
        new(41, 245760, 8192, 32768, 50000, 62500),
        new(42, 522240, 8704, 34816, 50000, 62500),
        new(50, 589824, 22080, 110400, 135000, 135000),
        new(51, 983040, 36864, 184320, 240000, 240000),
        new(52, 2073600, 36864, 184320, 240000, 240000),
    ];

    /// <summary>The level_idc for a High-profile picture of <paramref name="width"/>×<paramref name="height"/>.</summary>
    /// <param name="framesPerSecond">Frame rate; 0 or less leaves the macroblock rate unchecked.</param>
    /// <param name="maxRateKbps">The VBV's maximum rate (0: none set).</param>
    /// <param name="bufferKbit">The VBV's buffer (0: none set).</param>
    /// <param name="referenceFrames">Frames the decoder keeps (1 for a fast preset without B-frames).</param>
    public static int HighProfileLevel(int width, int height, double framesPerSecond, int maxRateKbps, int bufferKbit, int referenceFrames = 1)
    {
        var mbWidth = (width + 15) / 16;
        var mbHeight = (height + 15) / 16;
        var frameMbs = mbWidth * mbHeight;
        foreach (var level in Table)
        {
            // High profile's rate and buffer limits are 5/4 of the table's.
            if (frameMbs <= level.MaxFrameMbs &&
                (long)mbWidth * mbWidth <= 8L * level.MaxFrameMbs && (long)mbHeight * mbHeight <= 8L * level.MaxFrameMbs &&
                (long)frameMbs * referenceFrames <= level.MaxDpbMbs &&
                (framesPerSecond <= 0 || frameMbs * framesPerSecond <= level.MaxMbps) &&
                maxRateKbps * 4L <= level.MaxKbps * 5L && bufferKbit * 4L <= level.MaxCpbKbit * 5L)
            {
                return level.Idc;
            }
        }
        return Table[^1].Idc;
    }

    /// <summary>The RFC 6381 codec string of a High-profile stream at <paramref name="levelIdc"/>: <c>avc1.64001f</c>.</summary>
    public static string HighProfileCodec(int levelIdc) => $"avc1.6400{levelIdc:x2}";
}
