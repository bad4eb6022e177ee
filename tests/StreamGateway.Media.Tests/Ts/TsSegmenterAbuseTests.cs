using StreamGateway.Media.Ts;

namespace StreamGateway.Media.Tests.Ts;

/// <summary>A publisher's bytes are untrusted: anything malformed ends in our typed error, with nothing kept unbounded.</summary>
public sealed class TsSegmenterAbuseTests
{
    private static readonly byte[] AvcHeader =
        [0x17, 0x00, 0, 0, 0, 0x01, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0x00, 0x04, 0x67, 0x42, 0xC0, 0x1E, 0x01, 0x00, 0x04, 0x68, 0xCE, 0x3C, 0x80];

    private static readonly byte[] AacHeader = [0xAF, 0x00, 0x12, 0x10];

    private static TsSegmenter Segmenter(MemorySegments output, long maxBytes = 1 << 20) =>
        new(new TsSegmenterOptions { MaxSegmentBytes = maxBytes }, output);

    [Theory]
    [InlineData(new byte[] { 0x17, 0x01, 0, 0, 0, 0, 0, 0, 0x10, 0x65 })]         // NAL unit length past the tag
    [InlineData(new byte[] { 0x17, 0x01, 0, 0, 0, 0, 0 })]                         // cut inside a length
    [InlineData(new byte[] { 0x17, 0x00, 0, 0, 0, 0x01, 0x42 })]                   // truncated configuration record
    [InlineData(new byte[] { 0x17, 0x00, 0, 0, 0, 0x02, 0x42, 0xC0, 0x1E, 0xFF, 0xE1 })] // record version 2
    [InlineData(new byte[] { 0x17, 0x00, 0, 0, 0, 0x01, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0x00, 0x40, 0x67 })] // SPS past the end
    [InlineData(new byte[] { 0x17, 0x00, 0, 0, 0, 0x01, 0x42, 0xC0, 0x1E, 0xFE, 0xE1, 0x00, 0x01, 0x67, 0x00 })] // 3-byte lengths
    [InlineData(new byte[] { 0x17, 0x03, 0, 0, 0 })]                               // AVCPacketType 3
    [InlineData(new byte[] { 0x17, 0x01 })]                                        // shorter than its header
    [InlineData(new byte[] { 0x22, 0x00 })]                                        // Sorenson H.263
    [InlineData(new byte[] { 0x90, (byte)'a', (byte)'v', (byte)'0', (byte)'1' })]  // Enhanced RTMP AV1
    [InlineData(new byte[] { 0x90, (byte)'h', (byte)'v' })]                        // extended header cut short
    [InlineData(new byte[] { 0x90, (byte)'h', (byte)'v', (byte)'c', (byte)'1', 0x01 })] // HEVC record truncated
    public void Malformed_video_tags_are_refused_with_our_error(byte[] tag)
    {
        var output = new MemorySegments();
        var segmenter = Segmenter(output);
        if (tag[1] == 0x01 && tag[0] == 0x17)
        {
            segmenter.WriteVideo(0, AvcHeader);
        }
        Assert.Throws<TsMuxException>(() => segmenter.WriteVideo(0, tag));
    }

    [Theory]
    [InlineData(new byte[] { 0x2F, 0x01, 0xFF })]        // MP3
    [InlineData(new byte[] { 0xAF })]                    // no AACPacketType
    [InlineData(new byte[] { 0xAF, 0x02, 0x00 })]        // AACPacketType 2
    [InlineData(new byte[] { 0xAF, 0x00, 0x12 })]        // AudioSpecificConfig of one byte
    [InlineData(new byte[] { 0xAF, 0x00, 0x12, 0x00 })]  // channel configuration 0
    public void Malformed_audio_tags_are_refused_with_our_error(byte[] tag)
    {
        Assert.Throws<TsMuxException>(() => Segmenter(new MemorySegments()).WriteAudio(0, tag));
    }

    [Fact]
    public void An_aac_frame_too_long_for_adts_is_refused()
    {
        var segmenter = Segmenter(new MemorySegments(), maxBytes: 1 << 24);
        segmenter.WriteVideo(0, AvcHeader);
        segmenter.WriteAudio(0, AacHeader);
        Assert.Throws<TsMuxException>(() => segmenter.WriteAudio(0, [0xAF, 0x01, .. new byte[8185]]));
    }

    [Fact]
    public void Time_running_backwards_is_refused()
    {
        var segmenter = Segmenter(new MemorySegments());
        segmenter.WriteVideo(0, AvcHeader);
        segmenter.WriteVideo(1000, [0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65]);
        Assert.Throws<TsMuxException>(() => segmenter.WriteVideo(999, [0x27, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x41]));
        segmenter.WriteAudio(0, AacHeader);
        segmenter.WriteAudio(2000, [0xAF, 0x01, 0x21]);
        Assert.Throws<TsMuxException>(() => segmenter.WriteAudio(1500, [0xAF, 0x01, 0x21]));
    }

    [Fact]
    public void A_segment_that_never_reaches_a_keyframe_is_bounded()
    {
        var segmenter = Segmenter(new MemorySegments(), maxBytes: 100_000);
        segmenter.WriteVideo(0, AvcHeader);
        segmenter.WriteVideo(0, [0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65]);
        var frame = new byte[9 + 5000];
        frame[0] = 0x27;
        frame[1] = 0x01;
        frame[7] = 0x13;
        frame[8] = 0x88; // length 5000
        frame[9] = 0x41;
        var error = Assert.Throws<TsMuxException>(() =>
        {
            for (uint t = 33; t < 100_000; t += 33)
            {
                segmenter.WriteVideo(t, frame);
            }
        });
        Assert.Contains("without a keyframe", error.Message);
    }

    [Fact]
    public void Frames_before_their_sequence_headers_and_before_a_keyframe_are_dropped()
    {
        var output = new MemorySegments();
        var segmenter = Segmenter(output);
        segmenter.WriteVideo(0, [0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65]); // no config yet
        segmenter.WriteAudio(0, [0xAF, 0x01, 0x21]);                       // no config yet
        segmenter.WriteVideo(0, AvcHeader);
        segmenter.WriteVideo(10, [0x27, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x41]); // no keyframe yet
        Assert.Empty(output.Bytes);
        segmenter.WriteVideo(20, [0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65]);
        segmenter.Complete();
        Assert.Single(output.Closed);
        Assert.Equal(0.02, output.Closed[0].Start);
    }

    [Fact]
    public void Empty_sequence_headers_wait_for_the_real_ones()
    {
        // What ffmpeg's FLV muxer sends first when it copies a stream whose config it learns from the first frame.
        var output = new MemorySegments();
        var segmenter = Segmenter(output);
        segmenter.WriteVideo(0, [0x17, 0x00, 0, 0, 0]);
        segmenter.WriteAudio(0, [0xAF, 0x00]);
        segmenter.WriteVideo(0, [0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65]); // still no config: dropped
        Assert.Empty(output.Bytes);
        segmenter.WriteVideo(40, AvcHeader);
        segmenter.WriteAudio(40, AacHeader);
        segmenter.WriteVideo(40, [0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65]);
        segmenter.WriteAudio(40, [0xAF, 0x01, 0x21]);
        segmenter.Complete();
        Assert.Equal(0.04, Assert.Single(output.Closed).Start);
    }

    [Fact]
    public void Random_and_mutated_tags_end_only_in_our_error()
    {
        var random = new Random(20);
        byte[][] seeds = [AvcHeader, AacHeader, [0x17, 0x01, 0, 0, 0, 0, 0, 0, 2, 0x65, 0x88], [0xAF, 0x01, 0x21, 0x10],
            [0x90, (byte)'h', (byte)'v', (byte)'c', (byte)'1', .. new byte[30]]];
        for (var run = 0; run < 300; run++)
        {
            var segmenter = Segmenter(new MemorySegments(), maxBytes: 1 << 16);
            try
            {
                for (var i = 0; i < 200; i++)
                {
                    var seed = seeds[random.Next(seeds.Length)];
                    var tag = random.Next(4) == 0 ? new byte[random.Next(0, 40)] : (byte[])seed.Clone();
                    if (random.Next(4) == 0)
                    {
                        random.NextBytes(tag);
                    }
                    else if (tag.Length > 0)
                    {
                        tag[random.Next(tag.Length)] ^= (byte)random.Next(1, 256);
                    }
                    if (random.Next(2) == 0)
                    {
                        segmenter.WriteVideo((uint)(i * 33), tag);
                    }
                    else
                    {
                        segmenter.WriteAudio((uint)(i * 33), tag);
                    }
                }
                segmenter.Complete();
            }
            catch (TsMuxException)
            {
            }
        }
    }
}
