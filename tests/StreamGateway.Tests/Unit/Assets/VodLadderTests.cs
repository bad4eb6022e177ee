using StreamGateway.Core.Assets;
using StreamGateway.Core.Streams;
using StreamGateway.Core.Transcoding;

namespace StreamGateway.Tests.Unit.Assets;

public sealed class VodLadderTests
{
    [Fact]
    public void A_720p_source_gets_360p_and_its_own_size()
    {
        Assert.Equal(
        [
            new Rendition("360p0", 640, 360, 900_000), // 1.2 × a quarter of the pixels × 3 Mbps
            new Rendition("720p0", 1280, 720, 3_600_000), // the source's size at 1.2 × its bitrate
        ], VodLadder.For(null, 1280, 720, 3_000_000));
    }

    [Fact]
    public void A_1080p_source_gets_both_rungs_capped_at_their_bitrates()
    {
        Assert.Equal(
        [
            new Rendition("360p0", 640, 360, 1_000_000),
            new Rendition("720p0", 1280, 720, 4_000_000),
            new Rendition("1080p0", 1920, 1080, 9_600_000),
        ], VodLadder.For(null, 1920, 1080, 8_000_000));
    }

    [Fact]
    public void A_portrait_source_gets_portrait_boxes()
    {
        var ladder = VodLadder.For(null, 1080, 1920, 8_000_000);
        Assert.Equal([(360, 640), (720, 1280), (1080, 1920)], ladder.Select(r => (r.Width, r.Height)));
    }

    [Fact]
    public void A_small_or_thin_source_keeps_only_its_own_size()
    {
        Assert.Equal([new Rendition("360p0", 640, 360, 600_000)], VodLadder.For(null, 640, 360, 500_000));
        // 720p0 would need more than the source's 2 Mbps: left out.
        Assert.Equal(["360p0", "1080p0"], VodLadder.For(null, 1920, 1080, 2_000_000).Select(r => r.Name));
    }

    [Fact]
    public void Requested_profiles_are_used_as_given_with_the_source_size_where_none_is_said()
    {
        var ladder = VodLadder.For("""[{"name":"low","width":426,"height":240,"bitrate":300000},{"bitrate":2000000}]""", 1280, 720, 3_000_000);
        Assert.Equal([new Rendition("low", 426, 240, 300_000), new Rendition("720p1", 1280, 720, 2_000_000)], ladder);
    }

    [Fact]
    public void Requested_profiles_meet_the_floor_at_the_source_size_and_rate_once_probed()
    {
        var limits = new MediaLimitsOptions();
        var ladder = VodLadder.For("""[{"name":"ok","width":640,"height":360,"bitrate":800000},{"bitrate":500000}]""", 1920, 1080, 8_000_000);
        Assert.Equal("profiles[1].bitrate: 1920x1080 at 30 fps needs at least 1866240 bits/s (0.03 bits per pixel per frame, and never under 50000)",
            VodLadder.CheckRequested(ladder, 30, limits));
        // A source far above the frame-rate limit counts at the limit.
        Assert.StartsWith("profiles[0].bitrate: 640x360 at 60 fps needs at least 414720 bits/s",
            VodLadder.CheckRequested(VodLadder.For("""[{"bitrate":400000}]""", 640, 360, 0), 240, limits), StringComparison.Ordinal);
        Assert.Null(VodLadder.CheckRequested(VodLadder.For("""[{"bitrate":2000000}]""", 1920, 1080, 0), 29.97, limits));
        Assert.Equal("profiles[0]: 4096x2160 is 8847360 pixels; a profile may have at most 8294400",
            VodLadder.CheckRequested(VodLadder.For("""[{"bitrate":20000000}]""", 4096, 2160, 0), 24, limits));
    }
}
