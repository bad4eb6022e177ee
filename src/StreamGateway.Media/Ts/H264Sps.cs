namespace StreamGateway.Media.Ts;

/// <summary>The picture size in an H.264 sequence parameter set (ITU-T H.264 §7.3.2.1.1, cropping per §7.4.2.1.1). Pure.</summary>
public static class H264Sps
{
    private static readonly int[] HighProfiles = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135];

    /// <param name="rbsp">The SPS payload after the NAL header byte, emulation prevention removed.</param>
    public static (int Width, int Height) Size(ReadOnlySpan<byte> rbsp)
    {
        var r = new BitReader(rbsp.ToArray());
        var profile = r.Bits(8);
        r.Bits(16); // constraint flags, level
        r.Ue(); // seq_parameter_set_id
        var chroma = 1;
        var separatePlanes = false;
        if (HighProfiles.Contains(profile))
        {
            chroma = r.Ue();
            if (chroma == 3)
            {
                separatePlanes = r.Bits(1) == 1;
            }
            r.Ue(); // bit_depth_luma_minus8
            r.Ue(); // bit_depth_chroma_minus8
            r.Bits(1); // qpprime_y_zero_transform_bypass_flag
            if (r.Bits(1) == 1)
            {
                for (var i = 0; i < (chroma != 3 ? 8 : 12); i++)
                {
                    if (r.Bits(1) == 1)
                    {
                        SkipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }
        }
        r.Ue(); // log2_max_frame_num_minus4
        var pocType = r.Ue();
        if (pocType == 0)
        {
            r.Ue();
        }
        else if (pocType == 1)
        {
            r.Bits(1);
            r.Se();
            r.Se();
            var cycle = r.Ue();
            for (var i = 0; i < cycle; i++)
            {
                r.Se();
            }
        }
        r.Ue(); // max_num_ref_frames
        r.Bits(1); // gaps_in_frame_num_value_allowed_flag
        var widthMbs = r.Ue() + 1;
        var heightMapUnits = r.Ue() + 1;
        var frameMbsOnly = r.Bits(1);
        if (frameMbsOnly == 0)
        {
            r.Bits(1);
        }
        r.Bits(1); // direct_8x8_inference_flag
        int left = 0, right = 0, top = 0, bottom = 0;
        if (r.Bits(1) == 1)
        {
            (left, right, top, bottom) = (r.Ue(), r.Ue(), r.Ue(), r.Ue());
        }
        var arrayType = separatePlanes ? 0 : chroma;
        var cropX = arrayType == 0 ? 1 : arrayType == 3 ? 1 : 2;
        var cropY = (arrayType == 0 ? 1 : arrayType == 1 ? 2 : 1) * (2 - frameMbsOnly);
        var width = widthMbs * 16 - cropX * (left + right);
        var height = (2 - frameMbsOnly) * heightMapUnits * 16 - cropY * (top + bottom);
        if (width <= 0 || height <= 0)
        {
            throw new InvalidDataException("the SPS gives no picture size");
        }
        return (width, height);
    }

    private static void SkipScalingList(BitReader r, int size)
    {
        int last = 8, next = 8;
        for (var j = 0; j < size; j++)
        {
            if (next != 0)
            {
                next = (last + r.Se() + 256) % 256;
            }
            last = next == 0 ? last : next;
        }
    }

    private sealed class BitReader(byte[] data)
    {
        private int _bit;

        public int Bits(int n)
        {
            var value = 0;
            for (var i = 0; i < n; i++)
            {
                if (_bit >= data.Length * 8)
                {
                    throw new InvalidDataException("the SPS ends early");
                }
                value = (value << 1) | ((data[_bit >> 3] >> (7 - (_bit & 7))) & 1);
                _bit++;
            }
            return value;
        }

        /// <summary>Unsigned Exp-Golomb.</summary>
        public int Ue()
        {
            var zeros = 0;
            while (Bits(1) == 0)
            {
                if (++zeros > 31)
                {
                    throw new InvalidDataException("bad Exp-Golomb code in the SPS");
                }
            }
            return (int)((1L << zeros) - 1 + (zeros == 0 ? 0 : Bits(zeros)));
        }

        /// <summary>Signed Exp-Golomb.</summary>
        public int Se()
        {
            var k = Ue();
            return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
        }
    }
}
