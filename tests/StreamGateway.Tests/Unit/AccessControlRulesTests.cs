using StreamGateway.Core.Accounts;
using StreamGateway.Media.Hls;

namespace StreamGateway.Tests.Unit;

public sealed class AccessControlRulesTests
{
    [Fact]
    public void Every_child_url_of_a_playlist_gets_the_grant_and_nothing_else_changes()
    {
        var master = "#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",URI=\"audio/index.m3u8\"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nsource/index.m3u8\n\n720p0/index.m3u8?x=1\r\n";
        Assert.Equal(
            "#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",URI=\"audio/index.m3u8?grant=g%2B1\"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nsource/index.m3u8?grant=g%2B1\n\n720p0/index.m3u8?x=1&grant=g%2B1\r\n",
            ChildUrls.InPlaylist(master, "grant", "g+1"));
    }

    [Fact]
    public void Every_cue_of_a_thumbnail_index_gets_the_grant_before_its_fragment()
    {
        var vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nkeyframes_0.jpg\n\n00:00:03.000 --> 00:00:06.000\nsprite.jpg#xywh=0,0,160,90\n";
        Assert.Equal("WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nkeyframes_0.jpg?grant=g\n\n00:00:03.000 --> 00:00:06.000\nsprite.jpg?grant=g#xywh=0,0,160,90\n",
            ChildUrls.InWebVtt(vtt, "grant", "g"));
    }

    [Theory]
    [InlineData("POST", "/api/stream/", true)]
    [InlineData("GET", "/api/stream/{id}", true)]
    [InlineData("PATCH", "/api/stream/{id}", true)]
    [InlineData("DELETE", "/api/stream/{id}", false)]
    [InlineData("GET", "/api/stream/", false)]
    [InlineData("GET", "/api/stream/{id}/sessions", true)]
    [InlineData("POST", "/api/asset/request-upload", true)]
    [InlineData("DELETE", "/api/asset/{assetId}", false)]
    [InlineData("POST", "/api/access-control/signing-key/", false)]
    [InlineData("POST", "/api/webhook", false)]
    public void A_restricted_browser_key_gets_only_the_calls_a_browser_app_needs(string method, string route, bool allowed) =>
        Assert.Equal(allowed, CorsKeyRules.Allows(method, route));

    [Theory]
    [InlineData("https://app.example", true)]
    [InlineData("http://localhost:3000", true)]
    [InlineData("*", true)]
    [InlineData("https://app.example/path", false)]
    [InlineData("app.example", false)]
    [InlineData("ftp://app.example", false)]
    [InlineData("https://user@app.example", false)]
    public void Only_origins_are_origins(string origin, bool valid) => Assert.Equal(valid, CorsKeyRules.IsOrigin(origin));
}
