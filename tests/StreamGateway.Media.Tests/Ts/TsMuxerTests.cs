using System.Buffers;
using StreamGateway.Media.Ts;

namespace StreamGateway.Media.Tests.Ts;

/// <summary>The pure pieces of the muxer against vectors computed by hand from the specifications.</summary>
public sealed class TsMuxerTests
{
    [Fact]
    public void Crc32_mpeg2_has_the_standard_check_value_and_zeroes_a_whole_section()
    {
        Assert.Equal(0x0376E6E7u, Crc32Mpeg2.Compute("123456789"u8));
        var pat = TsMuxer.Section(0x00, 1, [0x00, 0x01, 0xF0, 0x00]);
        Assert.Equal(0u, Crc32Mpeg2.Compute(pat));
    }

    [Fact]
    public void Pat_for_program_1_on_pid_0x1000_is_byte_for_byte_the_usual_one()
    {
        // table_id 0, section_syntax 1 + length 13, transport_stream_id 1, version 0 current, sections 0/0,
        // program 1 → PID 0x1000, CRC. The same 16 bytes stand in the PAT of an MPEG-TS file ffmpeg writes.
        Assert.Equal(
            [0x00, 0xB0, 0x0D, 0x00, 0x01, 0xC1, 0x00, 0x00, 0x00, 0x01, 0xF0, 0x00, 0x2A, 0xB1, 0x04, 0xB2],
            TsMuxer.Section(0x00, 1, [0x00, 0x01, 0xF0, 0x00]));
    }

    [Fact]
    public void Pes_header_with_pts_and_dts()
    {
        Span<byte> header = stackalloc byte[19];
        // PTS 126000 = 1.4 s, DTS 123000: '0011' PTS, '0001' DTS, each 33 bits split 3/15/15 with marker bits.
        Assert.Equal(19, TsMuxer.PesHeader(header, 0xE0, 126_000, 123_000, 0));
        Assert.Equal(
            [0x00, 0x00, 0x01, 0xE0, 0x00, 0x00, 0x80, 0xC0, 0x0A, 0x31, 0x00, 0x07, 0xD8, 0x61, 0x11, 0x00, 0x07, 0xC0, 0xF1],
            header.ToArray());
    }

    [Fact]
    public void Pes_header_with_pts_only_counts_its_length()
    {
        Span<byte> header = stackalloc byte[19];
        Assert.Equal(14, TsMuxer.PesHeader(header, 0xC0, 126_000, 126_000, 100));
        // PES_packet_length = 3 + 5 + 100 = 108.
        Assert.Equal([0x00, 0x00, 0x01, 0xC0, 0x00, 0x6C, 0x80, 0x80, 0x05, 0x21, 0x00, 0x07, 0xD8, 0x61], header[..14].ToArray());
    }

    [Fact]
    public void Timestamps_keep_their_33rd_bit_and_wrap_above_it()
    {
        Span<byte> field = stackalloc byte[5];
        TsMuxer.WriteTimestamp(field, 0b0010, 0x1_0000_0005);
        Assert.Equal([0x29, 0x00, 0x01, 0x00, 0x0B], field.ToArray());
        TsMuxer.WriteTimestamp(field, 0b0010, (1L << 33) + 126_000);
        Assert.Equal([0x21, 0x00, 0x07, 0xD8, 0x61], field.ToArray());
    }

    [Fact]
    public void Adts_header_for_aac_lc_44100_stereo()
    {
        var config = AacConfig.Parse([0x12, 0x10]);
        Assert.Equal(new AacConfig(2, 4, 2), config);
        Span<byte> header = stackalloc byte[7];
        // profile 1 (LC), sampling index 4, channels 2, frame_length 107, fullness 0x7FF, one raw block.
        config.WriteAdtsHeader(header, 100);
        Assert.Equal([0xFF, 0xF1, 0x50, 0x80, 0x0D, 0x7F, 0xFC], header.ToArray());
    }

    [Fact]
    public void He_aac_is_carried_as_its_core_lc_stream()
    {
        // object type 5 (SBR), 22050 Hz core, stereo, extension 44100 Hz, then object type 2.
        Assert.Equal(new AacConfig(2, 7, 2), AacConfig.Parse([0x2B, 0x92, 0x08, 0x00]));
    }

    [Theory]
    [InlineData(new byte[] { 0x12 })]                     // too short
    [InlineData(new byte[] { 0x17, 0x80, 0x00, 0x00 })]   // explicit 24-bit sampling rate
    [InlineData(new byte[] { 0x16, 0x90 })]               // sampling index 13: reserved
    [InlineData(new byte[] { 0x12, 0x00 })]               // channel configuration 0 (needs a PCE)
    [InlineData(new byte[] { 0x3A, 0x10 })]               // object type 7: not in ADTS
    [InlineData(new byte[] { 0x2B, 0x92 })]               // SBR without its core object type
    public void Aac_configs_adts_cannot_carry_are_refused(byte[] config)
    {
        Assert.Throws<TsMuxException>(() => AacConfig.Parse(config));
    }

    // version 1, Baseline 4.0 (42 C0 1E), 4-byte lengths, one SPS, one PPS.
    private static readonly byte[] AvcRecord =
        [0x01, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0x00, 0x04, 0x67, 0x42, 0xC0, 0x1E, 0x01, 0x00, 0x04, 0x68, 0xCE, 0x3C, 0x80];

    [Fact]
    public void Idr_frame_gets_a_delimiter_and_the_parameter_sets()
    {
        var config = VideoConfig.ParseAvc(AvcRecord);
        var output = new ArrayBufferWriter<byte>();
        Assert.True(AccessUnits.Write(config, [0, 0, 0, 2, 0x65, 0x88, 0, 0, 0, 1, 0x65], keyframe: true, output));
        Assert.Equal(
            [0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1, 0x67, 0x42, 0xC0, 0x1E, 0, 0, 0, 1, 0x68, 0xCE, 0x3C, 0x80,
             0, 0, 0, 1, 0x65, 0x88, 0, 0, 0, 1, 0x65],
            output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Inter_frame_keeps_its_nal_units_and_loses_its_own_delimiter()
    {
        var config = VideoConfig.ParseAvc(AvcRecord);
        var output = new ArrayBufferWriter<byte>();
        Assert.True(AccessUnits.Write(config, [0, 0, 0, 2, 0x09, 0xF0, 0, 0, 0, 2, 0x41, 0x9A], keyframe: false, output));
        Assert.Equal([0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1, 0x41, 0x9A], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Keyframe_with_its_own_sps_gets_no_second_copy_and_two_byte_lengths_work()
    {
        byte[] record = [.. AvcRecord];
        record[4] = 0xFD; // lengthSizeMinusOne = 1
        var config = VideoConfig.ParseAvc(record);
        var output = new ArrayBufferWriter<byte>();
        Assert.True(AccessUnits.Write(config, [0, 2, 0x67, 0x01, 0, 2, 0x68, 0x02, 0, 1, 0x65], keyframe: true, output));
        Assert.Equal([0, 0, 0, 1, 0x09, 0xF0, 0, 0, 0, 1, 0x67, 0x01, 0, 0, 0, 1, 0x68, 0x02, 0, 0, 0, 1, 0x65], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_frame_of_only_delimiters_writes_nothing()
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.False(AccessUnits.Write(VideoConfig.ParseAvc(AvcRecord), [0, 0, 0, 2, 0x09, 0xF0], keyframe: false, output));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void A_small_pes_fills_one_packet_with_adaptation_stuffing_and_a_pcr()
    {
        var output = new ArrayBufferWriter<byte>();
        var muxer = new TsMuxer(TsVideoCodec.H264, audio: false) { Output = output };
        muxer.WriteVideo([0, 0, 0, 1, 0x09, 0xF0], 126_000, 126_000, randomAccess: true, pcr: 63_000);
        var packet = output.WrittenSpan;
        Assert.Equal(188, packet.Length);
        // sync, payload_unit_start + PID 0x100, adaptation + payload with counter 0.
        Assert.Equal([0x47, 0x41, 0x00, 0x30], packet[..4].ToArray());
        // 188 - 4 - 14 (PES header) - 6 (data) = 164 bytes of adaptation field: length 163, RAI + PCR flags.
        Assert.Equal(163, packet[4]);
        Assert.Equal(0x50, packet[5]);
        // PCR base 63000 = 0x F618: bytes base>>25 .. base>>1, then the low bit, reserved 111111, extension 0.
        Assert.Equal([0x00, 0x00, 0x7B, 0x0C, 0x7E, 0x00], packet[6..12].ToArray());
        Assert.True(packet[12..168].ToArray().All(b => b == 0xFF));
        Assert.Equal([0x00, 0x00, 0x01, 0xE0], packet[168..172].ToArray());
        Assert.Equal([0, 0, 0, 1, 0x09, 0xF0], packet[182..].ToArray());
    }

    [Fact]
    public void A_pes_one_byte_short_of_a_packet_uses_the_one_byte_adaptation_field()
    {
        var output = new ArrayBufferWriter<byte>();
        var muxer = new TsMuxer(null, audio: true) { Output = output };
        // 184 payload bytes per plain packet; 14 header + 169 = 183: one byte of stuffing = AF length 0.
        muxer.WriteAudio(new byte[169], 126_000, randomAccess: false, pcr: null);
        Assert.Equal(188, output.WrittenCount);
        Assert.Equal([0x47, 0x41, 0x01, 0x30, 0x00, 0x00, 0x00, 0x01, 0xC0], output.WrittenSpan[..9].ToArray());
        muxer.WriteAudio(new byte[170], 126_000, randomAccess: false, pcr: null);
        Assert.Equal(376, output.WrittenCount);
        Assert.Equal([0x47, 0x41, 0x01, 0x11, 0x00, 0x00, 0x01, 0xC0], output.WrittenSpan[188..196].ToArray());
    }
}
