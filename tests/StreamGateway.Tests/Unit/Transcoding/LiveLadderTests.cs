using StreamGateway.Core.Live;
using StreamGateway.Core.Streams;
using StreamGateway.Core.Transcoding;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Media.Hls;
using StreamGateway.Media.Ts;

namespace StreamGateway.Tests.Unit.Transcoding;

public sealed class LiveLadderTests
{
    [Fact]
    public void Studio_defaults_on_a_720p_source_keep_every_rung_and_a_360p_source_drops_the_taller_ones()
    {
        var json = StreamRules.ToJson(StreamRules.DefaultProfiles());
        Assert.Equal(["240p0", "360p0", "480p0", "720p0"], LiveLadder.For(json, 1280, 720).Select(r => r.Name));
        var small = LiveLadder.For(json, 640, 360);
        Assert.Equal(["240p0", "360p0"], small.Select(r => r.Name));
        Assert.Equal(new Rendition("360p0", 640, 360, 800_000, 0, 1, 0), small[1]);
    }

    [Fact]
    public void Names_that_cannot_be_a_path_are_replaced_and_gop_seconds_become_milliseconds()
    {
        const string json = """[{"name":"my rung/1","width":320,"height":180,"bitrate":200000,"fps":30,"fpsDen":1,"gop":"2.0"},{"name":"source2","width":256,"height":144,"bitrate":100000}]""";
        var ladder = LiveLadder.For(json, null, null);
        Assert.Equal(new Rendition("r0", 320, 180, 200_000, 30, 1, 2000), ladder[0]);
        Assert.Equal("source2", ladder[1].Name);
    }
}

public sealed class RenditionCheckTests
{
    private static readonly Rendition Asked = new("360p0", 640, 360, 800_000);

    /// <summary>A 2 s source segment at 30 fps, as read from its bytes.</summary>
    private static readonly TsVideoFacts Source = new(1280, 720, 60, 2.0);

    private static RenditionFacts Facts(int w = 640, int h = 360, long frames = 60, double duration = 2.0, string codec = "h264") =>
        new(codec, "High", 30, w, h, frames, duration, "aac", "LC");

    [Fact]
    public void A_rendition_that_matches_passes()
    {
        Assert.Null(RenditionCheck.Problem(Asked, 2.0, Source, 640L * 360 * 60, Facts()));
        // A 4:3 source keeps its aspect ratio inside the box.
        Assert.Null(RenditionCheck.Problem(Asked, 2.0, Source, 480L * 360 * 60, Facts(w: 480)));
    }

    [Theory]
    [InlineData(1280, 720, 60, 2.0, "h264", "does not fit")]
    [InlineData(320, 180, 60, 2.0, "h264", "does not fit")]
    [InlineData(640, 360, 0, 2.0, "h264", "no frames")]
    [InlineData(640, 360, 60, 0.9, "h264", "lasts")]
    [InlineData(640, 360, 60, 2.0, "hevc", "no H.264")]
    public void A_wrong_rendition_is_caught_with_a_reason(int w, int h, long frames, double duration, string codec, string reason)
    {
        var facts = Facts(w, h, frames, duration, codec);
        Assert.Contains(reason, RenditionCheck.Problem(Asked, 2.0, Source, facts.Pixels, facts), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 30, 1, 58, null)] // the source's 60 frames, within 2
    [InlineData(0, 30, 1, 30, "has 30 frames where 60 were expected")] // half the frames dropped
    [InlineData(15, 1, 1, 30, null)] // a 15 fps profile: duration × 15
    [InlineData(15, 1, 1, 60, "has 60 frames where 30 were expected")]
    [InlineData(30000, 1001, 1, 60, null)] // 29.97 fps: 59.94 frames, rounded
    [InlineData(0, 30, 0, 45, null)] // source frames unknown: no check
    public void Frames_must_match_the_source_or_the_profile_rate(int fps, int fpsDen, int sourceKnown, long frames, string? reason)
    {
        var asked = Asked with { Fps = fps, FpsDen = fpsDen };
        var facts = Facts(frames: frames);
        var problem = RenditionCheck.Problem(asked, 2.0, sourceKnown == 1 ? Source : null, facts.Pixels, facts);
        if (reason is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(reason, problem, StringComparison.Ordinal);
        }
    }

    [Theory]
    // An encoder that stopped two frames after a keyframe, its audio running on: the segment was cut at 1.17 s,
    // its video spans 10 frames. Honest renditions have 10 frames (a 30 fps profile: 10 as well) and last as long
    // as the video or the audio. (Seen with an ordinary encoder: "10 frames where 35 were expected".)
    [InlineData(0, 10, 0.333, null)]
    [InlineData(30, 10, 0.333, null)]
    [InlineData(30, 10, 1.17, null)]
    [InlineData(30, 35, 0.333, "has 35 frames where 10 were expected")]
    // A chunk whose video starts late (an encoder's gap): cut at 2.33 s, video spans 2.17 s; a 30 fps profile makes
    // 65 frames. (Seen in VOD: "65 frames where 70 were expected".)
    [InlineData(30, 65, 2.33, null)]
    public void Frames_and_duration_follow_the_source_video_not_the_cut(int fps, long frames, double duration, string? reason)
    {
        var shortVideo = frames is 10 or 35 ? new TsVideoFacts(1280, 720, 10, 0.333) : new TsVideoFacts(1280, 720, 65, 2.167);
        var cut = frames is 10 or 35 ? 1.17 : 2.33;
        var facts = Facts(frames: frames, duration: duration);
        var problem = RenditionCheck.Problem(Asked with { Fps = fps }, cut, shortVideo, facts.Pixels, facts);
        if (reason is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(reason, problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_ssim_pass_mark_is_fair_to_the_bitrate_asked()
    {
        // The default ladder's 360p (0.12 bits per pixel and frame) is held to the full mark ...
        Assert.Equal(0.8, RenditionVerifier.PassMark(0.8, new Rendition("360p0", 640, 360, 800_000), 640, 360));
        // ... a rendition given half the bits of the full mark's threshold to half way down to 0.5 ...
        Assert.Equal(0.65, RenditionVerifier.PassMark(0.8, new Rendition("half", 640, 360, 172_800), 640, 360), 3);
        // ... and one starved (400 bps) to 0.5, which a different picture (about 0.3) still fails.
        Assert.InRange(RenditionVerifier.PassMark(0.8, new Rendition("starved", 426, 240, 400), 426, 240), 0.5, 0.501);
    }

    [Fact]
    public void Ssim_lines_give_the_mean_and_the_worst_frame()
    {
        var stats = Similarity.Parse("n:1 Y:0.99 U:0.98 V:0.99 All:0.990000 (20.0)\nn:2 Y:0.97 U:0.98 V:0.99 All:0.970000 (15.2)\n");
        Assert.Equal(2, stats.Frames);
        Assert.Equal(0.98, stats.Mean, 6);
        Assert.Equal(0.97, stats.Worst, 6);
        Assert.Equal(0, Similarity.Parse("").Frames);
        Assert.Throws<FormatException>(() => Similarity.Parse("n:1 All:nan? (x)"));
    }

    /// <summary>A publish can end one frame after a cut: that segment and its renditions are a lone frame, lasting no time by their times.</summary>
    [Fact]
    public void A_lone_frame_segment_passes_as_a_lone_frame()
    {
        var facts = Facts(frames: 1, duration: 0);
        Assert.Null(RenditionCheck.Problem(Asked, 0.039, new TsVideoFacts(1280, 720, 1, 0), facts.Pixels, facts));
    }

    [Fact]
    public void Reported_pixels_must_be_exact()
    {
        Assert.Contains("reported", RenditionCheck.Problem(Asked, 2.0, Source, 640L * 360 * 59, Facts()), StringComparison.Ordinal);
    }

    [Fact]
    public void Ffprobe_json_gives_the_facts_and_the_hls_codec_string()
    {
        const string json = """
            {"programs":[],"streams":[
              {"codec_name":"h264","profile":"High","codec_type":"video","width":426,"height":240,"level":21,"nb_read_frames":"30"},
              {"codec_name":"aac","profile":"LC","codec_type":"audio","nb_read_frames":"94"}],
             "format":{"duration":"2.005000"}}
            """;
        var facts = RenditionFacts.Parse(json);
        Assert.Equal((426, 240, 30L, 2.005), (facts.Width, facts.Height, facts.Frames, facts.Duration!.Value));
        Assert.Equal(426L * 240 * 30, facts.Pixels);
        Assert.Equal("avc1.640015,mp4a.40.2", facts.Codecs);
        Assert.Equal("avc1.42c01e", (facts with { VideoProfile = "Constrained Baseline", VideoLevel = 30, AudioCodec = null }).Codecs);
    }

    [Fact]
    public void A_gap_is_marked_so_players_skip_it()
    {
        var text = HlsPlaylist.Media([new HlsSegment(7, 2, "a_7.ts", false), new HlsSegment(8, 2, "gap_8.ts", false, Gap: true)], 2, 0, false);
        Assert.Contains("#EXTINF:2.000,\na_7.ts\n#EXT-X-GAP\n#EXTINF:2.000,\ngap_8.ts\n", text, StringComparison.Ordinal);
    }
}

/// <summary>What the master playlist announces of a rendition before it exists.</summary>
public sealed class LadderPredictionTests
{
    /// <summary>
    /// Studio's default ladder from a 720p30 source with AAC, as the devnet orchestrators made it (probed renditions:
    /// 426x240 avc1.640015, 640x360 avc1.64001e, 852x480 avc1.64001f, 1280x720 avc1.64001f; no frame rate of their own).
    /// </summary>
    [Theory]
    [InlineData(426, 240, 250_000, 426, 240, "avc1.640015", 535_000)]
    [InlineData(640, 360, 800_000, 640, 360, "avc1.64001e", 1_360_000)]
    [InlineData(854, 480, 1_600_000, 852, 480, "avc1.64001f", 2_560_000)]
    [InlineData(1280, 720, 3_000_000, 1280, 720, "avc1.64001f", 4_660_000)]
    public void A_rendition_is_predicted_as_the_orchestrators_make_it(int boxWidth, int boxHeight, int bitrate, int width, int height,
        string video, long bandwidth)
    {
        var source = new RenditionInfo(1280, 720, 30, "avc1.64001F,mp4a.40.2");
        var predicted = LiveLadder.Predict(new Rendition("r", boxWidth, boxHeight, bitrate), source);
        Assert.Equal(new RenditionInfo(width, height, 30, $"{video},mp4a.40.2"), predicted.Picture);
        Assert.Equal(bandwidth, predicted.Bandwidth);
    }

    [Fact]
    public void A_prediction_keeps_the_source_shape_its_own_frame_rate_and_no_audio_the_source_lacks()
    {
        // 4:3 into a 16:9 box: the box's height, the source's shape; 60 fps asked for from a 30 fps source.
        var predicted = LiveLadder.Predict(new Rendition("r", 854, 480, 1_000_000, Fps: 60), new RenditionInfo(640, 480, 30, "avc1.4d401e"));
        Assert.Equal(new RenditionInfo(640, 480, 60, "avc1.64001f"), predicted.Picture);
        Assert.Equal(1_500_000, predicted.Bandwidth);
        // Portrait 1080x1920 into a 720p box: 406x720 (405 rounded down to even).
        Assert.Equal((404, 720), LiveLadder.Fit(1080, 1920, 1280, 720));
        Assert.Equal((426, 240), LiveLadder.Fit(1280, 720, 426, 240));
        Assert.Equal((852, 480), LiveLadder.Fit(1920, 1080, 854, 480));
    }

    [Theory]
    [InlineData(426, 240, 30, 250, 500, 21)]
    [InlineData(640, 360, 30, 800, 1600, 30)]
    [InlineData(852, 480, 30, 1600, 3200, 31)]
    [InlineData(1280, 720, 30, 3000, 6000, 31)]
    [InlineData(1280, 720, 60, 4500, 9000, 32)]
    [InlineData(1920, 1080, 30, 6000, 12000, 40)]
    [InlineData(1920, 1080, 60, 8000, 16000, 42)]
    [InlineData(3840, 2160, 30, 20000, 40000, 51)]
    [InlineData(176, 144, 15, 64, 128, 10)]
    public void The_level_is_the_lowest_whose_limits_hold_the_picture(int width, int height, double fps, int kbps, int buffer, int level) =>
        Assert.Equal(level, H264Levels.HighProfileLevel(width, height, fps, kbps, buffer));

    [Fact]
    public void A_rate_beyond_a_level_moves_to_the_next_one() =>
        // 720p30 fits level 3.1 by size and macroblock rate, but not at 20 Mbit/s (3.1 allows 17.5 for High).
        Assert.Equal(32, H264Levels.HighProfileLevel(1280, 720, 30, 20_000, 20_000));
}
