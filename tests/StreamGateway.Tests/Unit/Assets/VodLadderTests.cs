using StreamGateway.Core.Assets;
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
}
