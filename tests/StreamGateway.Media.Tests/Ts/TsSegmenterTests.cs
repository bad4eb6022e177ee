using StreamGateway.Media.Ts;

namespace StreamGateway.Media.Tests.Ts;

/// <summary>Where the segmenter cuts, how it times audio, and what it writes around a cut, on synthetic tags.</summary>
public sealed class TsSegmenterTests
{
    private static readonly byte[] AvcHeader =
        [0x17, 0x00, 0, 0, 0, 0x01, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0x00, 0x04, 0x67, 0x42, 0xC0, 0x1E, 0x01, 0x00, 0x04, 0x68, 0xCE, 0x3C, 0x80];

    private static readonly byte[] Key = [0x17, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x65];
    private static readonly byte[] Inter = [0x27, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x41];

    private static List<TsSegment> Cut(IEnumerable<(uint Ms, bool Key)> frames)
    {
        var output = new MemorySegments();
        var segmenter = new TsSegmenter(new TsSegmenterOptions { HasAudio = false }, output);
        segmenter.WriteVideo(0, AvcHeader);
        foreach (var (ms, key) in frames)
        {
            segmenter.WriteVideo(ms, key ? Key : Inter);
        }
        segmenter.Complete();
        return output.Closed;
    }

    [Fact]
    public void Keyframes_more_often_than_the_segment_time_are_skipped_until_it_has_passed()
    {
        // A keyframe every 1.8 s at 30 fps: no segment may be shorter than 1.9 s, so each takes two GOPs.
        var segments = Cut(Enumerable.Range(0, 364).Select(i => ((uint)(i * 100 / 3), i % 54 == 0)));
        Assert.Equal([0, 3.6, 7.2, 10.8], segments.Select(s => s.Start));
        Assert.Equal([3.6, 7.2, 10.8, 12.134], segments.Select(s => s.End));
    }

    [Fact]
    public void A_late_keyframe_makes_one_long_segment_and_the_next_are_whole_again()
    {
        uint[] keys = [0, 2500, 4500, 6500];
        var segments = Cut(Enumerable.Range(0, 80).Select(i => ((uint)(i * 100), keys.Contains((uint)(i * 100)))));
        Assert.Equal([0, 2.5, 4.5, 6.5], segments.Select(s => s.Start));
    }

    [Fact]
    public void A_keyframe_a_little_early_for_the_boundary_still_cuts()
    {
        // Encoders place boundary keyframes on the frame nearest 2 s, which can round to 1.967 s.
        var segments = Cut(Enumerable.Range(0, 130).Select(i => ((uint)(i * 100 / 3), i % 59 == 0)));
        Assert.Equal([0, 1.966, 3.933], segments.Select(s => s.Start));
    }

    [Fact]
    public void Audio_times_come_from_the_sample_count_until_the_flv_time_jumps()
    {
        var output = new MemorySegments();
        var segmenter = new TsSegmenter(new TsSegmenterOptions { HasVideo = false, SegmentSeconds = 60 }, output);
        segmenter.WriteAudio(0, [0xAF, 0x00, 0x12, 0x10]);
        var frame = new byte[2 + 400];
        frame[0] = 0xAF;
        frame[1] = 0x01;
        // 44.1 kHz frames of 1024 samples, their millisecond times rounded, then a 500 ms gap.
        var times = Enumerable.Range(0, 40).Select(i => (long)Math.Round(i * 1024 * 1000 / 44100.0))
            .Concat(Enumerable.Range(0, 20).Select(i => 1429 + (long)Math.Round(i * 1024 * 1000 / 44100.0))).ToList();
        foreach (var ms in times)
        {
            segmenter.WriteAudio((uint)ms, frame);
        }
        segmenter.Complete();

        // 409 bytes a frame: seven to a PES packet.
        var pes = PesTimes(output.Bytes[0].WrittenSpan.ToArray(), TsMuxer.AudioPid);
        long Expected(int i) => 126_000 + (i < 40
            ? (long)Math.Round(i * 1024L * 90_000 / 44100.0)
            : 1429 * 90 + (long)Math.Round((i - 40) * 1024L * 90_000 / 44100.0));
        int[] firsts = [0, 7, 14, 21, 28, 35, 40, 47, 54];
        Assert.Equal(firsts.Select(Expected), pes);
    }

    [Fact]
    public void Continuity_counters_run_on_across_segments_and_each_segment_starts_with_pat_and_pmt()
    {
        var output = new MemorySegments();
        var segmenter = new TsSegmenter(new TsSegmenterOptions { HasAudio = false }, output);
        segmenter.WriteVideo(0, AvcHeader);
        var big = new byte[9 + 1000];
        Key.AsSpan(0, 5).CopyTo(big);
        big[7] = 0x03;
        big[8] = 0xE8;
        big[9] = 0x65;
        for (var i = 0; i < 180; i++)
        {
            big[0] = (byte)(i % 60 == 0 ? 0x17 : 0x27);
            segmenter.WriteVideo((uint)(i * 100 / 3), big);
        }
        segmenter.Complete();
        Assert.Equal(3, output.Bytes.Count);
        var counters = new Dictionary<int, int>();
        foreach (var segment in output.Bytes)
        {
            var ts = segment.WrittenSpan.ToArray();
            Assert.Equal(0, ts.Length % 188);
            Assert.Equal(TsMuxer.PatPid, Pid(ts, 0));
            Assert.Equal(TsMuxer.PmtPid, Pid(ts, 188));
            for (var at = 0; at < ts.Length; at += 188)
            {
                var pid = Pid(ts, at);
                var counter = ts[at + 3] & 0x0F;
                if (counters.TryGetValue(pid, out var last))
                {
                    Assert.Equal((last + 1) & 0x0F, counter);
                }
                counters[pid] = counter;
            }
        }
    }

    [Fact]
    public void Sparse_video_still_gets_a_pcr_every_100_ms_and_pcrs_never_go_back()
    {
        var output = new MemorySegments();
        var segmenter = new TsSegmenter(new TsSegmenterOptions(), output);
        segmenter.WriteVideo(0, AvcHeader);
        segmenter.WriteAudio(0, [0xAF, 0x00, 0x12, 0x10]);
        for (var ms = 0; ms < 3000; ms += 23)
        {
            if (ms % 200 < 23)
            {
                segmenter.WriteVideo((uint)(ms - ms % 200), ms % 2000 < 23 ? Key : Inter); // 5 frames a second
            }
            segmenter.WriteAudio((uint)ms, [0xAF, 0x01, 0x21, 0x10, 0x04]);
        }
        segmenter.Complete();
        var pcrs = new List<long>();
        foreach (var segment in output.Bytes)
        {
            var ts = segment.WrittenSpan.ToArray();
            for (var at = 0; at < ts.Length; at += 188)
            {
                if (Pid(ts, at) == TsMuxer.VideoPid && (ts[at + 3] & 0x20) != 0 && ts[at + 4] > 0 && (ts[at + 5] & 0x10) != 0)
                {
                    pcrs.Add(((long)ts[at + 6] << 25) | ((long)ts[at + 7] << 17) | ((long)ts[at + 8] << 9) | ((long)ts[at + 9] << 1) | ((long)ts[at + 10] >> 7));
                }
            }
        }
        Assert.True(pcrs.Count > 30, $"{pcrs.Count} PCRs");
        Assert.All(pcrs.Zip(pcrs.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, 0, 9000));
    }

    private static int Pid(byte[] ts, int at) => ((ts[at + 1] & 0x1F) << 8) | ts[at + 2];

    /// <summary>The PTS of each PES packet that starts on <paramref name="pid"/>.</summary>
    private static List<long> PesTimes(byte[] ts, int pid)
    {
        var times = new List<long>();
        for (var at = 0; at < ts.Length; at += 188)
        {
            if (Pid(ts, at) != pid || (ts[at + 1] & 0x40) == 0)
            {
                continue;
            }
            var start = at + 4 + ((ts[at + 3] & 0x20) != 0 ? 1 + ts[at + 4] : 0);
            var p = ts.AsSpan(start + 9);
            times.Add(((long)(p[0] & 0x0E) << 29) | ((long)p[1] << 22) | ((long)(p[2] & 0xFE) << 14) | ((long)p[3] << 7) | ((long)p[4] >> 1));
        }
        return times;
    }
}
