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

    [Fact]
    public void Bytes_that_are_not_ts_are_refused_clearly()
    {
        Assert.Throws<InvalidDataException>(() => MpegTsVideo.Read(new byte[188 * 3]));
        Assert.Throws<InvalidDataException>(() => MpegTsVideo.Read(new byte[100]));
    }
}
