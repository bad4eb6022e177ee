using System.Buffers;
using StreamGateway.Media.Flv;

namespace StreamGateway.Media.Tests.Flv;

public class FlvTests
{
    [Theory]
    [InlineData(true, true, 0x05)]
    [InlineData(true, false, 0x04)]
    [InlineData(false, true, 0x01)]
    [InlineData(false, false, 0x00)]
    public void Header_is_signature_version_flags_offset_and_previous_tag_size_0(bool audio, bool video, byte flags)
    {
        Assert.Equal([(byte)'F', (byte)'L', (byte)'V', 1, flags, 0, 0, 0, 9, 0, 0, 0, 0], FlvWriter.Header(audio, video));
    }

    [Fact]
    public void Tag_has_header_payload_and_previous_tag_size()
    {
        var output = new ArrayBufferWriter<byte>();

        FlvWriter.WriteTag(output, FlvWriter.VideoTag, 0x00123456, [0xAA, 0xBB, 0xCC]);

        Assert.Equal(
            [9, 0, 0, 3, 0x12, 0x34, 0x56, 0x00, 0, 0, 0, 0xAA, 0xBB, 0xCC, 0, 0, 0, 14],
            output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Timestamp_upper_byte_goes_to_timestamp_extended()
    {
        var output = new ArrayBufferWriter<byte>();

        FlvWriter.WriteTag(output, FlvWriter.AudioTag, 0x87654321, []);

        // TagType, DataSize 0, Timestamp = lower 24 bits, TimestampExtended = upper 8 bits, StreamID 0.
        Assert.Equal([8, 0, 0, 0, 0x65, 0x43, 0x21, 0x87, 0, 0, 0, 0, 0, 0, 11], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Consecutive_tags_chain_their_sizes()
    {
        var output = new ArrayBufferWriter<byte>();
        FlvWriter.WriteTag(output, FlvWriter.ScriptTag, 0, new byte[300]);
        FlvWriter.WriteTag(output, FlvWriter.AudioTag, 1, new byte[2]);

        Assert.Equal(11 + 300 + 4 + 11 + 2 + 4, output.WrittenCount);
        Assert.Equal([0, 0, 0x01, 0x37], output.WrittenSpan[311..315].ToArray()); // 311 = 11 + 300
    }

    [Fact]
    public void Payload_over_24_bits_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FlvWriter.WriteTag(new ArrayBufferWriter<byte>(), 9, 0, new byte[0x1000000]));
    }

    // FrameType 1 (key) | CodecID 7 (AVC), AVCPacketType 0, CompositionTime 0, then the
    // AVCDecoderConfigurationRecord: version 1, profile 0x64 (High), compatibility 0x00, level 0x1F (3.1).
    private static readonly byte[] AvcSequenceHeader = [0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE1, 0x00, 0x00, 0x01, 0x00, 0x00];

    [Fact]
    public void Avc_sequence_header_gives_the_codec_string()
    {
        Assert.True(FlvVideo.IsAvcSequenceHeader(AvcSequenceHeader));
        Assert.True(FlvVideo.IsKeyframe(AvcSequenceHeader));
        Assert.Equal("avc1.64001F", FlvVideo.AvcCodecString(AvcSequenceHeader));
        Assert.Equal("avc1.42C01E", FlvVideo.AvcCodecString([0x17, 0x00, 0, 0, 0, 0x01, 0x42, 0xC0, 0x1E]));
    }

    [Theory]
    [InlineData(new byte[] { 0x17, 0x01, 0, 0, 0, 0x01, 0x64, 0x00, 0x1F })] // NALU packet, not a sequence header
    [InlineData(new byte[] { 0x12, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1F })] // Sorenson H.263
    [InlineData(new byte[] { 0x17, 0x00, 0, 0, 0, 0x01, 0x64 })] // record truncated
    [InlineData(new byte[] { 0x17, 0x00, 0, 0, 0, 0x02, 0x64, 0x00, 0x1F })] // configurationVersion must be 1
    [InlineData(new byte[0])]
    public void Avc_codec_string_is_null_without_a_valid_record(byte[] payload)
    {
        Assert.Null(FlvVideo.AvcCodecString(payload));
    }

    [Theory]
    [InlineData(new byte[] { 0x17, 0x01 }, true)]
    [InlineData(new byte[] { 0x27, 0x01 }, false)] // inter frame
    [InlineData(new byte[] { 0x57, 0x01 }, false)] // video info/command frame
    [InlineData(new byte[] { 0x90, 0x68, 0x76, 0x63, 0x31 }, true)] // Enhanced RTMP: IsExHeader | key frame, hvc1
    [InlineData(new byte[0], false)]
    public void Keyframes_are_frame_type_1(byte[] payload, bool keyframe)
    {
        Assert.Equal(keyframe, FlvVideo.IsKeyframe(payload));
    }

    [Fact]
    public void Aac_lc_sequence_header_gives_mp4a_40_2()
    {
        // SoundFormat 10 (AAC) | 44 kHz | 16-bit | stereo = 0xAF; AACPacketType 0; AudioSpecificConfig 0x12 0x10:
        // audioObjectType 2 (LC), sampling index 4 (44.1 kHz), channel configuration 2.
        byte[] payload = [0xAF, 0x00, 0x12, 0x10];
        Assert.True(FlvAudio.IsAacSequenceHeader(payload));
        Assert.Equal("mp4a.40.2", FlvAudio.AacCodecString(payload));
    }

    [Fact]
    public void Aac_object_types_use_the_escape_for_31()
    {
        Assert.Equal("mp4a.40.5", FlvAudio.AacCodecString([0xAF, 0x00, 0x2B, 0x92])); // HE-AAC (SBR)
        // 31 escapes to 32 + 6 bits: 11111 000010 → 34
        Assert.Equal("mp4a.40.34", FlvAudio.AacCodecString([0xAF, 0x00, 0xF8, 0x40]));
    }

    [Theory]
    [InlineData(new byte[] { 0xAF, 0x01, 0x21, 0x10 })] // raw AAC frame
    [InlineData(new byte[] { 0x2F, 0x00, 0x12, 0x10 })] // MP3
    [InlineData(new byte[] { 0xAF, 0x00 })] // no AudioSpecificConfig
    [InlineData(new byte[] { 0xAF, 0x00, 0xF8 })] // escape without its second byte
    [InlineData(new byte[] { 0xAF, 0x00, 0x00, 0x00 })] // object type 0
    public void Aac_codec_string_is_null_otherwise(byte[] payload)
    {
        Assert.Null(FlvAudio.AacCodecString(payload));
    }
}
