using StreamGateway.Media.Ffmpeg;
using StreamGateway.Media.Ts;

namespace StreamGateway.Media.Tests.Ts;

/// <summary>Reading size and frames from the TS bytes must agree exactly with decoding the file with ffprobe.</summary>
public sealed class MpegTsVideoTests
{
    [Theory]
    [InlineData("426x240", "-profile:v high -bf 0", "yuv420p")]      // 240 is not a multiple of 16: bottom cropping
    [InlineData("852x480", "-profile:v high -bf 3", "yuv420p")]      // B-frames
    [InlineData("322x182", "-profile:v baseline", "yuv420p")]        // odd-ish sizes, baseline SPS layout
    [InlineData("256x144", "-profile:v high444 -bf 0", "yuv444p")]   // 4:4:4 crop units
    [InlineData("1280x720", "-profile:v main -x264-params interlaced=1", "yuv420p")] // field coding: frame_mbs_only 0
    public async Task Size_and_frames_match_a_full_decode(string size, string x264, string pixelFormat)
    {
        var file = Path.Combine(Path.GetTempPath(), $"sg-ts-{Guid.NewGuid():N}.ts");
        try
        {
            var args = new List<string> { "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size={size}:rate=25", "-t", "1.2",
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", pixelFormat };
            args.AddRange(x264.Split(' '));
            args.AddRange(["-f", "mpegts", file]);
            await FfmpegProcess.RunAsync("ffmpeg", args, TimeSpan.FromSeconds(60), CancellationToken.None);
            var decoded = RenditionFacts.Parse(await FfmpegProcess.RunAsync("ffprobe", FfmpegArguments.InspectRendition(file),
                TimeSpan.FromSeconds(60), CancellationToken.None));
            var read = MpegTsVideo.Read(await File.ReadAllBytesAsync(file));
            Assert.Equal((decoded.Width, decoded.Height, decoded.Frames), (read.Width, read.Height, read.Frames));
            Assert.Equal(decoded.Pixels, read.Pixels);
            Assert.InRange(read.Seconds, 1.15, 1.25); // 30 frames at 25 fps, from the presentation times
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// The facts the gateway's cheap rendition checks read from the bytes must be those a full decode reports: codec,
    /// profile and level (the playlist's CODECS), size, frames, the file's duration with audio that outlasts or
    /// precedes the video, and the audio codec and profile.
    /// </summary>
    [Theory]
    [InlineData("640x360", "-profile:v high -bf 0", "-c:a aac -b:a 96k", 0.0)]
    [InlineData("426x240", "-profile:v baseline", "-c:a aac -b:a 64k", 0.4)]      // audio runs 0.4 s past the video
    [InlineData("852x480", "-profile:v main -bf 2", "-c:a mp2", 0.0)]           // B-frames; an audio codec that is not AAC
    [InlineData("320x180", "-profile:v high -bf 0", "", 0.0)]                    // video only
    public async Task Rendition_facts_read_from_the_bytes_match_a_full_decode(string size, string x264, string audio, double audioLonger)
    {
        var file = Path.Combine(Path.GetTempPath(), $"sg-ts-{Guid.NewGuid():N}.ts");
        try
        {
            var args = new List<string> { "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", $"testsrc2=size={size}:rate=30:duration=2" };
            if (audio.Length > 0)
            {
                args.AddRange(["-f", "lavfi", "-t", (2 + audioLonger).ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "sine=frequency=440:sample_rate=48000"]);
                args.AddRange(audio.Split(' '));
                args.AddRange(["-map", "0:v", "-map", "1:a"]);
            }
            args.AddRange(["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"]);
            args.AddRange(x264.Split(' '));
            args.AddRange(["-f", "mpegts", file]);
            await FfmpegProcess.RunAsync("ffmpeg", args, TimeSpan.FromSeconds(60), CancellationToken.None);
            var decoded = RenditionFacts.Parse(await FfmpegProcess.RunAsync("ffprobe", FfmpegArguments.InspectRendition(file),
                TimeSpan.FromSeconds(60), CancellationToken.None));
            var read = RenditionFacts.Read(await File.ReadAllBytesAsync(file));
            Assert.Equal(decoded with { Duration = null }, read with { Duration = null });
            Assert.NotNull(decoded.Codecs);
            Assert.Equal(decoded.Codecs, read.Codecs);
            Assert.NotNull(read.Duration);
            Assert.InRange(read.Duration!.Value, decoded.Duration!.Value - 0.05, decoded.Duration.Value + 0.05);
            Assert.InRange(read.Duration.Value, 1.95 + audioLonger, 2.1 + audioLonger);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A live stream's last segment can be one frame: it lasts no time, as far as its times tell, and is still read.</summary>
    [Fact]
    public async Task A_lone_frame_is_read_with_no_span()
    {
        var file = Path.Combine(Path.GetTempPath(), $"sg-ts-{Guid.NewGuid():N}.ts");
        try
        {
            await FfmpegProcess.RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=426x240:rate=30",
                "-frames:v", "1", "-c:v", "libx264", "-preset", "veryfast", "-f", "mpegts", file], TimeSpan.FromSeconds(60), CancellationToken.None);
            var decoded = RenditionFacts.Parse(await FfmpegProcess.RunAsync("ffprobe", FfmpegArguments.InspectRendition(file),
                TimeSpan.FromSeconds(60), CancellationToken.None));
            var read = RenditionFacts.Read(await File.ReadAllBytesAsync(file));
            Assert.Equal(decoded with { Duration = null }, read with { Duration = null });
            Assert.Equal(1, read.Frames);
            Assert.Equal(0, read.Duration);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Rendition bytes come from strangers: whatever they are, reading them succeeds or says the file is bad.</summary>
    [Fact]
    public async Task Damaged_bytes_are_refused_as_bad_data_never_with_another_error()
    {
        var file = Path.Combine(Path.GetTempPath(), $"sg-ts-{Guid.NewGuid():N}.ts");
        byte[] good;
        try
        {
            await FfmpegProcess.RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=0.5",
                "-f", "lavfi", "-i", "sine=duration=0.5", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-f", "mpegts", file],
                TimeSpan.FromSeconds(60), CancellationToken.None);
            good = await File.ReadAllBytesAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
        var random = new Random(20);
        var (read, refused) = (0, 0);
        for (var i = 0; i < 2000; i++)
        {
            var bad = (byte[])good.Clone();
            // Damage where it hurts most often: the headers and tables at the start of packets.
            for (var n = random.Next(1, 6); n > 0; n--)
            {
                var packet = random.Next(bad.Length / 188);
                bad[packet * 188 + random.Next(random.Next(2) == 0 ? 24 : 188)] = (byte)random.Next(256);
            }
            try
            {
                MpegTsVideo.Read(bad);
                read++;
            }
            catch (InvalidDataException)
            {
                refused++;
            }
        }
        // Any other exception has already failed the test; both outcomes must have happened for it to mean anything.
        Assert.True(read > 0 && refused > 0, $"read {read}, refused {refused}");

        // Fields that say how far to skip, set past the end of their packet: the PAT's pointer field, the PMT's
        // program info length, the first video PES's header length.
        Assert.Throws<InvalidDataException>(() => MpegTsVideo.Read(Damaged(good, pid: 0, payloadOffset: 0, 0xB7)));
        Assert.Throws<InvalidDataException>(() => MpegTsVideo.Read(Damaged(good, pid: 0x1000, payloadOffset: 11, 0x0F, 0xFF)));
        Assert.Throws<InvalidDataException>(() => MpegTsVideo.Read(Damaged(good, pid: 0x100, payloadOffset: 8, 0xFF)));
    }

    /// <summary>A copy with <paramref name="values"/> written at <paramref name="payloadOffset"/> of the first unit-starting packet on <paramref name="pid"/>.</summary>
    private static byte[] Damaged(byte[] ts, int pid, int payloadOffset, params byte[] values)
    {
        var bad = (byte[])ts.Clone();
        for (var offset = 0; offset + 188 <= bad.Length; offset += 188)
        {
            if ((((bad[offset + 1] & 0x1F) << 8) | bad[offset + 2]) == pid && (bad[offset + 1] & 0x40) != 0)
            {
                var start = offset + 4 + ((bad[offset + 3] & 0x20) != 0 ? 1 + bad[offset + 4] : 0);
                values.CopyTo(bad, start + payloadOffset);
                return bad;
            }
        }
        throw new InvalidOperationException($"no packet starts a unit on PID {pid}");
    }

    [Fact]
    public void Bytes_that_are_not_ts_are_refused_clearly()
    {
        Assert.Throws<InvalidDataException>(() => MpegTsVideo.Read(new byte[188 * 3]));
        Assert.Throws<InvalidDataException>(() => MpegTsVideo.Read(new byte[100]));
    }
}
