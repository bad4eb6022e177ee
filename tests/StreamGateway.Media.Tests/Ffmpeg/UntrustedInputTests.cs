using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Media.Tests.Ffmpeg;

/// <summary>
/// Every input that someone else wrote (a publisher, an uploader, an orchestrator) is opened with local files as the
/// only protocol and with its container named, never guessed: a guess can make a text file an HLS playlist or an
/// ffconcat list, which then opens further files or URLs.
/// </summary>
public sealed class UntrustedInputTests
{
    private static readonly LadderProfile P240 = new("240p0", 426, 240, 250_000);

    [Fact]
    public void The_live_segmenter_reads_only_flv_from_its_pipe()
    {
        AssertInput(FfmpegArguments.LiveSegmenter(2, "seg-%d.ts"), "pipe:0", "flv", "pipe");
    }

    [Fact]
    public void The_ladder_reads_its_source_segment_as_mpegts_from_a_local_file()
    {
        AssertInput(FfmpegArguments.Ladder("in.ts", [(P240, "a.ts")], H264Encoder.Libx264), "in.ts", "mpegts");
    }

    [Fact]
    public void Renditions_and_sources_are_inspected_and_compared_as_mpegts()
    {
        AssertInput(FfmpegArguments.InspectRendition("r.ts"), "r.ts", "mpegts");
        AssertInput(FfmpegArguments.CountFrames("r.ts"), "r.ts", "mpegts");
        var compare = FfmpegArguments.CompareWithSource("s.ts", [("r1.ts", "r1.ssim", "r1.frames"), ("r2.ts", "r2.ssim", "r2.frames")]);
        AssertInput(compare, "s.ts", "mpegts");
        AssertInput(compare, "r1.ts", "mpegts");
        AssertInput(compare, "r2.ts", "mpegts");
    }

    [Fact]
    public void A_clip_is_cut_from_joined_mpegts_segments()
    {
        AssertInput(FfmpegArguments.Clip("range.ts", 1, 2, "clip.mp4"), "range.ts", "mpegts");
    }

    [Fact]
    public void Joining_renditions_opens_our_list_and_only_mpegts_files_through_it()
    {
        var args = FfmpegArguments.JoinToMp4("list.txt", "out.mp4");
        var options = InputOptions(args, "list.txt");
        Assert.Equal("concat", Value(options, "-f"));
        Assert.Equal("file", Value(options, "-protocol_whitelist"));
        // The concat demuxer hands its whitelists to every file it opens: those can only be MPEG-TS.
        Assert.Equal("concat,mpegts", Value(options, "-format_whitelist"));
    }

    [Fact]
    public void An_uploads_chunks_and_thumbnails_force_the_container_its_probe_found()
    {
        AssertInput(FfmpegArguments.Chunks("source", "matroska", 6, "%05d.ts", "list.csv", reencode: false), "source", "matroska");
        AssertInput(FfmpegArguments.Thumbnails("source", "mov", 5, 180, "%d.jpg", "times.txt", keyframesOnly: true), "source", "mov");
        AssertInput(FfmpegArguments.Thumbnails("source", "mov", 5, 180, "%d.jpg", "times.txt", keyframesOnly: false), "source", "mov");
        AssertInput(FfmpegArguments.ProbeStreams("seg.ts", ContainerFormats.MpegTs), "seg.ts", "mpegts");
    }

    [Fact]
    public void An_upload_is_probed_with_local_files_only_and_opened_only_by_an_allowed_demuxer()
    {
        var options = InputOptions(FfmpegArguments.ProbeUnknownStreams("source", ContainerFormats.UploadDefault), "source");
        Assert.Equal("file", Value(options, "-protocol_whitelist"));
        Assert.Equal(ContainerFormats.UploadDefault, Value(options, "-format_whitelist"));
        Assert.Null(Value(options, "-f")); // its container is what is being found out
    }

    [Theory]
    [InlineData("mov,mp4,m4a,3gp,3g2,mj2", true)]
    [InlineData("matroska,webm", true)]
    [InlineData("mpegts", true)]
    [InlineData("hls", false)]
    [InlineData("concat", false)]
    [InlineData("image2", false)]
    [InlineData("tty", false)]
    [InlineData(null, false)]
    public void The_default_allow_list_takes_video_containers_and_nothing_that_opens_other_files(string? formatName, bool allowed)
    {
        Assert.Equal(allowed, ContainerFormats.Allows(ContainerFormats.UploadDefault, formatName));
    }

    [Fact]
    public void Playlist_demuxers_cannot_be_configured_into_the_allow_list()
    {
        Assert.Null(ContainerFormats.Problem(ContainerFormats.UploadDefault));
        Assert.Equal("'hls' opens other files or URLs and is never allowed", ContainerFormats.Problem("mov,hls"));
        Assert.Equal("'Mov;rm' is not an ffmpeg format name", ContainerFormats.Problem("Mov;rm"));
        Assert.Equal("names no container format", ContainerFormats.Problem(" , "));
        // Even configured, a playlist demuxer is not allowed.
        Assert.False(ContainerFormats.Allows("mov,hls", "hls"));
    }

    [Fact]
    public void The_demuxer_ffmpeg_refused_is_read_from_its_log()
    {
        Assert.Equal("hls", ContainerFormats.RefusedDemuxer("[hls @ 0x5620108a6280] Format not on whitelist 'mov,mpegts'\nsource: Invalid argument\n"));
        Assert.Null(ContainerFormats.RefusedDemuxer("source: Invalid data found when processing input\n"));
        Assert.Equal("mov", ContainerFormats.Demuxer("mov,mp4,m4a,3gp,3g2,mj2"));
    }

    /// <summary>The options ffmpeg applies to the input <paramref name="path"/>: those between the previous input (or output) and its <c>-i</c>.</summary>
    private static List<string> InputOptions(IReadOnlyList<string> args, string path)
    {
        var at = -1;
        for (var i = 0; i + 1 < args.Count; i++)
        {
            if (args[i] == "-i" && args[i + 1] == path)
            {
                at = i;
            }
        }
        Assert.True(at >= 0, $"no input {path} in {string.Join(' ', args)}");
        var start = at;
        while (start > 0 && !(start >= 2 && args[start - 2] == "-i"))
        {
            start--;
        }
        return args.Skip(start).Take(at - start).ToList();
    }

    private static string? Value(List<string> options, string name)
    {
        var i = options.IndexOf(name);
        return i >= 0 && i + 1 < options.Count ? options[i + 1] : null;
    }

    private static void AssertInput(IReadOnlyList<string> args, string path, string format, string protocols = "file")
    {
        var options = InputOptions(args, path);
        Assert.Equal(protocols, Value(options, "-protocol_whitelist"));
        Assert.Equal(format, Value(options, "-f"));
        Assert.Equal(format, Value(options, "-format_whitelist"));
    }
}
