using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Media.Tests.Ffmpeg;

public sealed class LadderTests
{
    private static readonly LadderProfile P240 = new("240p0", 426, 240, 250_000);
    private static readonly LadderProfile P360 = new("360p0", 640, 360, 800_000, Fps: 30, GopSeconds: 2);

    [Fact]
    public void Ladder_decodes_once_and_encodes_every_rendition_in_one_process()
    {
        var args = FfmpegArguments.Ladder("in.ts", [(P240, "a.ts"), (P360, "b.ts")], H264Encoder.Libx264);
        Assert.Equal(
        [
            "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-copyts",
            "-protocol_whitelist", "file", "-format_whitelist", "mpegts", "-f", "mpegts", "-i", "in.ts",
            "-filter_complex",
            "[0:v]split=2[s0][s1];" +
            "[s0]scale=426:240:force_original_aspect_ratio=decrease:force_divisible_by=2[v0];" +
            "[s1]scale=640:360:force_original_aspect_ratio=decrease:force_divisible_by=2,fps=30/1[v1]",
            "-map", "[v0]", "-map", "0:a?", "-c:v", "libx264", "-preset", "veryfast", "-bf", "0",
            "-b:v", "250000", "-maxrate", "250000", "-bufsize", "500000", "-pix_fmt", "yuv420p",
            "-c:a", "copy", "-muxdelay", "0", "-f", "mpegts", "a.ts",
            "-map", "[v1]", "-map", "0:a?", "-c:v", "libx264", "-preset", "veryfast", "-bf", "0",
            "-b:v", "800000", "-maxrate", "800000", "-bufsize", "1600000", "-pix_fmt", "yuv420p",
            "-force_key_frames", "expr:gte(t,n_forced*2)",
            "-c:a", "copy", "-muxdelay", "0", "-f", "mpegts", "b.ts",
        ], args);
    }

    [Fact]
    public void Nvenc_is_chosen_per_encoder_and_the_probe_encodes_one_frame()
    {
        var args = FfmpegArguments.Ladder("in.ts", [(P240, "a.ts")], H264Encoder.Nvenc);
        Assert.Equal("h264_nvenc", args[args.ToList().IndexOf("-c:v") + 1]);
        Assert.Equal(["-frames:v", "1", "-c:v", "h264_nvenc"], FfmpegArguments.NvencProbe().Skip(8).Take(4));
        Assert.Throws<ArgumentException>(() => FfmpegArguments.Ladder("in.ts", [], H264Encoder.Libx264));
    }

    [Fact]
    public async Task A_real_two_second_segment_becomes_two_renditions_with_the_source_timeline()
    {
        var dir = Directory.CreateTempSubdirectory("ladder-");
        try
        {
            var source = Path.Combine(dir.FullName, "source.ts");
            await FfmpegProcess.RunAsync("ffmpeg",
            [
                "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
                "-f", "lavfi", "-i", "sine=sample_rate=44100", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast",
                "-g", "60", "-c:a", "aac", "-output_ts_offset", "10", "-muxdelay", "0", "-f", "mpegts", source,
            ], TimeSpan.FromSeconds(60), CancellationToken.None);

            var outputs = new[] { (P240, Path.Combine(dir.FullName, "240.ts")), (P360, Path.Combine(dir.FullName, "360.ts")) };
            await FfmpegProcess.RunAsync("ffmpeg", FfmpegArguments.Ladder(source, outputs, H264Encoder.Libx264),
                TimeSpan.FromSeconds(60), CancellationToken.None);

            var src = await ProbeAsync(source);
            foreach (var (profile, path) in outputs)
            {
                var probe = await ProbeAsync(path);
                Assert.Equal("h264", probe.VideoCodec);
                Assert.Equal((profile.Width, profile.Height), (probe.Width, probe.Height));
                Assert.Equal("aac", probe.AudioCodec);
                Assert.InRange(probe.Duration!.Value, 1.9, 2.2);
                Assert.InRange(probe.StartTime!.Value, src.StartTime!.Value - 0.1, src.StartTime.Value + 0.1);
            }
            Assert.InRange(src.StartTime!.Value, 9.9, 10.2); // the source segment sits 10 s into a live timeline
            Assert.InRange(src.Duration!.Value, 1.9, 2.2);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<MediaProbe> ProbeAsync(string path) =>
        MediaProbe.Parse(await FfmpegProcess.RunAsync("ffprobe", FfmpegArguments.ProbeStreams(path, ContainerFormats.MpegTs), TimeSpan.FromSeconds(30), CancellationToken.None));
}

public sealed class MediaProbeTests
{
    [Fact]
    public void Parses_streams_rates_and_duration_from_ffprobe_json()
    {
        var probe = MediaProbe.Parse("""
            {"streams":[{"codec_type":"video","codec_name":"h264","width":1280,"height":720,"avg_frame_rate":"30000/1001"},
                        {"codec_type":"audio","codec_name":"aac"}],
             "format":{"duration":"2.002000","start_time":"1.400000"}}
            """);
        Assert.Equal(new MediaProbe("h264", 1280, 720, 29.97, "aac", 2.002, 1.4, Tracks: probe.Tracks), probe);
        Assert.True(probe.HasVideo && probe.HasAudio);
        // The tracks an asset's videoSpec lists.
        Assert.Equal(
        [
            new MediaTrack("video", "h264", null, null, null, 1280, 720, null, 29.97, null, null, null),
            new MediaTrack("audio", "aac", null, null, null, null, null, null, null, null, null, null),
        ], probe.Tracks!);
        var full = MediaProbe.Parse("""
            {"streams":[{"codec_type":"audio","codec_name":"aac","sample_rate":"48000","channels":2,"bit_rate":"128000","duration":"8.000000"}],
             "format":{"format_name":"mov,mp4","bit_rate":"3000000"}}
            """);
        Assert.Equal(("mov,mp4", 3_000_000L), (full.FormatName, full.Bitrate));
        Assert.Equal(new MediaTrack("audio", "aac", null, 8.0, 128_000, null, null, null, null, 2, 48_000, null), full.Tracks![0]);
        var audioOnly = MediaProbe.Parse("""{"streams":[{"codec_type":"audio","codec_name":"aac"}],"format":{}}""");
        Assert.False(audioOnly.HasVideo);
        Assert.Null(audioOnly.Duration);
        Assert.Null(MediaProbe.Parse("""{"streams":[{"codec_type":"video","codec_name":"h264","avg_frame_rate":"0/0"}]}""").FrameRate);
    }
}
