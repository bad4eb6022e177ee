using StreamGateway.Core.Live;
using StreamGateway.Core.Playback;

namespace StreamGateway.Tests.Unit;

public class PublicSegmentUrlsTests
{
    private const string Playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:4\n" +
                                    "#EXTINF:2.000,\nab12_4.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\r\ncd34_0.ts\r\n#EXT-X-ENDLIST\n";

    [Fact]
    public void Without_a_base_the_playlist_is_left_alone() =>
        Assert.Same(Playlist, PublicSegmentUrls.Apply(new HlsOptions(), Playlist, "pb1", "360p0", live: true));

    [Fact]
    public void The_gateway_layout_keeps_the_gateway_path_under_the_cdn()
    {
        var options = new HlsOptions { SegmentBaseUrl = "https://cdn.example.com/" };
        var text = PublicSegmentUrls.Apply(options, Playlist, "pb1", "360p0", live: true)!;
        Assert.Equal(Playlist.Replace("ab12_4.ts", "https://cdn.example.com/hls/pb1/360p0/ab12_4.ts", StringComparison.Ordinal)
            .Replace("cd34_0.ts", "https://cdn.example.com/hls/pb1/360p0/cd34_0.ts", StringComparison.Ordinal), text);
    }

    [Theory]
    [InlineData(true, "https://bucket.example.com/media/live/pb1/source/ab12_4.ts")]
    [InlineData(false, "https://bucket.example.com/media/vod/pb1/source/ab12_4.ts")]
    public void The_store_layout_names_the_object_key(bool live, string expected)
    {
        var options = new HlsOptions { SegmentBaseUrl = "https://bucket.example.com/media", SegmentUrlLayout = "store" };
        var text = PublicSegmentUrls.Apply(options, Playlist, "pb1", "source", live)!;
        Assert.Contains("\n" + expected + "\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\nab12_4.ts", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Absolute_urls_stay_as_they_are()
    {
        var options = new HlsOptions { SegmentBaseUrl = "https://cdn.example.com" };
        const string text = "#EXTM3U\n#EXTINF:2.000,\nhttps://other.example.com/x.ts\n#EXTINF:2.000,\n/hls/pb1/360p0/y.ts\n";
        Assert.Equal(text, PublicSegmentUrls.Apply(options, text, "pb1", "360p0", live: true));
    }
}
