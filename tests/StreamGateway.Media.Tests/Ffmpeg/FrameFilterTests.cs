using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Media.Tests.Ffmpeg;

/// <summary>
/// The filter graphs that report on the frames they see: thumbnails from keyframes only with each picture's time, and
/// the comparison with the source that also counts each rendition's decoded frames; all in a folder whose name the
/// filter graph must escape.
/// </summary>
public sealed class FrameFilterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sg-thumbs, [odd]: 'name';");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData(true, new[] { 0.0, 6.0, 12.0 })]   // keyframes every 2 s: the first at least 5 s after the last taken
    [InlineData(false, new[] { 0.0, 5.0, 10.0 })]  // every frame decoded: exactly every 5 s
    public async Task Pictures_and_their_times_come_from_the_frames_decoded(bool keyframesOnly, double[] expected)
    {
        var source = Path.Combine(_dir.FullName, "source.mp4");
        await FfmpegProcess.RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=14",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-pix_fmt", "yuv420p", source], TimeSpan.FromSeconds(60), CancellationToken.None);
        var times = Path.Combine(_dir.FullName, "times.txt");
        await FfmpegProcess.RunAsync("ffmpeg", FfmpegArguments.Thumbnails(source, "mov", 5, 90, Path.Combine(_dir.FullName, "%d.jpg"), times, keyframesOnly),
            TimeSpan.FromSeconds(60), CancellationToken.None);

        Assert.Equal(expected.Length, _dir.GetFiles("*.jpg").Length);
        var printed = (await File.ReadAllLinesAsync(times)).Where(l => l.Contains("pts_time:", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.IndexOf("pts_time:", StringComparison.Ordinal) + 9)..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, printed);
    }

    [Fact]
    public async Task One_comparison_run_scores_each_rendition_and_counts_the_frames_it_decodes_to()
    {
        var source = Path.Combine(_dir.FullName, "source.ts");
        await Encode(["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=3"], ["-c:v", "libx264", "-preset", "ultrafast"], source);
        var scaled = Path.Combine(_dir.FullName, "scaled.ts");
        await Encode(["-f", "mpegts", "-i", source], ["-vf", "scale=320:180", "-c:v", "libx264", "-preset", "veryfast", "-bf", "0"], scaled);
        var shorter = Path.Combine(_dir.FullName, "shorter.ts"); // 2 of the 3 s: the comparison repeats its last frame
        await Encode(["-f", "mpegts", "-i", source], ["-t", "2", "-vf", "scale=320:180", "-c:v", "libx264", "-preset", "veryfast"], shorter);
        var flipped = Path.Combine(_dir.FullName, "flipped.ts");
        await Encode(["-f", "mpegts", "-i", source], ["-vf", "hflip,vflip", "-c:v", "libx264", "-preset", "veryfast"], flipped);

        string[] renditions = [scaled, shorter, flipped];
        var files = renditions.Select(r => (r, r + ".ssim", r + ".frames")).ToList();
        await FfmpegProcess.RunAsync("ffmpeg", FfmpegArguments.CompareWithSource(source, files), TimeSpan.FromSeconds(60), CancellationToken.None);
        var scores = files.Select(f => Similarity.Parse(File.ReadAllText(f.Item2)) with { Decoded = Similarity.CountDecoded(File.ReadAllText(f.Item3)) }).ToList();

        Assert.Equal([90L, 60L, 90L], scores.Select(s => s.Decoded));
        Assert.Equal(renditions.Select(r => Media.Ts.MpegTsVideo.Read(File.ReadAllBytes(r)).Frames), scores.Select(s => s.Decoded));
        Assert.Equal(90, scores[1].Frames); // compared frame pairs are not decoded frames
        Assert.InRange(scores[0].Mean, 0.9, 1);
        Assert.InRange(scores[2].Mean, 0, 0.6);
    }

    private static Task Encode(string[] input, string[] output, string file) =>
        FfmpegProcess.RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", .. input, .. output, "-f", "mpegts", file], TimeSpan.FromSeconds(60),
            CancellationToken.None);

    [Fact]
    public void A_path_is_escaped_for_the_option_list_and_then_for_the_graph()
    {
        Assert.Equal(@"/tmp/a\\:b\,c\[d\]\;e\\\'f\\\\g", FfmpegArguments.FilterPath(@"/tmp/a:b,c[d];e'f\g"));
    }
}
