using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StreamGateway.Tests.Integration.AccessControl;

/// <summary>A <c>jwt</c> stream: nothing plays without a token signed by one of its project's enabled keys.</summary>
public sealed partial class JwtPlaybackTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    private static async Task<string> GetTextAsync(HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{url}: {(int)response.StatusCode} {text}");
        return text;
    }

    [Fact]
    public async Task A_jwt_stream_plays_with_a_token_in_ffmpeg_and_stops_when_its_key_is_disabled_or_the_stream_suspended()
    {
        var t = await Gw.NewTenantAsync();
        var (keyId, publicKey, privateKey) = await SigningKeyTests.NewKeyAsync(t);
        var s = await t.CreateStreamAsync(new { name = "members only", playbackPolicy = new { type = "jwt" }, profiles = Array.Empty<object>() });
        var (id, playbackId) = ((string)s["id"]!, (string)s["playbackId"]!);
        var token = ViewerJwt.Sign(privateKey, ViewerJwt.Claims(publicKey, playbackId));
        using var viewer = Gw.Client();

        await using var broadcaster = Broadcaster.Start((string)s["streamKey"]!, seconds: 12, video: "320x240");
        var master = "";
        await Poll.UntilAsync(async () =>
        {
            using var r = await viewer.GetAsync(Gateway.HlsUrl(playbackId) + "?jwt=" + token);
            master = await r.Content.ReadAsStringAsync();
            return r.StatusCode == HttpStatusCode.OK && master.Contains("#EXT-X-STREAM-INF", StringComparison.Ordinal);
        }, 30, "the gated master playlist");

        // Without a token nothing is served, not even a segment whose name is known.
        using (var bare = await viewer.GetAsync(Gateway.HlsUrl(playbackId)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
            Assert.Contains("viewer JWT", (await Json.ErrorsAsync(bare))[0], StringComparison.Ordinal);
            Assert.True(bare.Headers.CacheControl!.NoStore);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync(Gateway.HlsUrl(playbackId, "source/index.m3u8"))).StatusCode);

        // Every child URL carries the viewer's grant, so the player needs nothing else; the token itself is not repeated.
        var child = master.Split('\n').First(l => l.Length > 0 && l[0] != '#');
        Assert.Matches(GrantUrl(), child);
        Assert.DoesNotContain(token, master, StringComparison.Ordinal);
        var media = "";
        await Poll.UntilAsync(async () =>
        {
            media = await GetTextAsync(viewer, Gateway.HlsUrl(playbackId, child));
            return media.Contains("#EXTINF", StringComparison.Ordinal);
        }, 30, "a segment in the gated media playlist");
        var segment = media.Split('\n').First(l => l.Length > 0 && l[0] != '#');
        Assert.Matches(GrantUrl(), segment);
        var rendition = child.Split('/')[0];
        using (var ts = await viewer.GetAsync(Gateway.HlsUrl(playbackId, $"{rendition}/{segment}")))
        {
            Assert.Equal(HttpStatusCode.OK, ts.StatusCode);
            Assert.Equal(0x47, (await ts.Content.ReadAsByteArrayAsync())[0]);
            Assert.True(ts.Headers.CacheControl!.Private, "a gated segment is kept out of shared caches");
        }
        using (var forged = await viewer.GetAsync(Gateway.HlsUrl(playbackId, $"{rendition}/{segment[..^3]}AAA")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }
        var bareSegment = segment.Split('?')[0];
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync(Gateway.HlsUrl(playbackId, $"{rendition}/{bareSegment}"))).StatusCode);

        // The token as a header works the same.
        using (var request = new HttpRequestMessage(HttpMethod.Get, Gateway.HlsUrl(playbackId)))
        {
            request.Headers.Add("Livepeer-Jwt", token);
            using var byHeader = await viewer.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, byHeader.StatusCode);
        }

        // A client we did not write: ffmpeg reads the master with ?jwt= and follows the child URLs as written.
        var decode = await Viewer.RunAsync("ffmpeg", "-v", "error", "-i", Gateway.HlsUrl(playbackId) + "?jwt=" + token, "-t", "2", "-f", "null", "-");
        Assert.True(decode.ExitCode == 0, decode.Stderr);
        var refused = await Viewer.RunAsync("ffmpeg", "-v", "error", "-i", Gateway.HlsUrl(playbackId), "-t", "1", "-f", "null", "-");
        Assert.NotEqual(0, refused.ExitCode);

        // Disabling the key stops viewers already watching (their grants) within seconds, and new tokens with it.
        using (var disable = await t.Http.PatchAsync($"api/access-control/signing-key/{keyId}", Json.Body(new { disabled = true })))
        {
            Assert.Equal(HttpStatusCode.NoContent, disable.StatusCode);
        }
        await Poll.UntilAsync(async () => (await viewer.GetAsync(Gateway.HlsUrl(playbackId, child))).StatusCode == HttpStatusCode.Forbidden,
            5, "the grant to stop working once its key is disabled");
        using (var disabled = await viewer.GetAsync(Gateway.HlsUrl(playbackId) + "?jwt=" + token))
        {
            Assert.Equal(HttpStatusCode.Forbidden, disabled.StatusCode);
            Assert.Equal("the token's signing key is disabled", (await Json.ErrorsAsync(disabled))[0]);
        }
        using (var enable = await t.Http.PatchAsync($"api/access-control/signing-key/{keyId}", Json.Body(new { disabled = false })))
        {
            Assert.Equal(HttpStatusCode.NoContent, enable.StatusCode);
        }
        await Poll.UntilAsync(async () => (await viewer.GetAsync(Gateway.HlsUrl(playbackId, child))).StatusCode == HttpStatusCode.OK,
            5, "the grant to work again once its key is enabled");

        // Suspending the stream stops everyone within seconds, grant or token.
        using (var suspend = await t.Http.PatchAsync($"api/stream/{id}", Json.Body(new { suspended = true })))
        {
            Assert.Equal(HttpStatusCode.NoContent, suspend.StatusCode);
        }
        await Poll.UntilAsync(async () => (await viewer.GetAsync(Gateway.HlsUrl(playbackId, child))).StatusCode == HttpStatusCode.NotFound,
            5, "the suspended stream to stop playing");
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync(Gateway.HlsUrl(playbackId) + "?jwt=" + token)).StatusCode);
    }

    [Fact]
    public async Task Playback_info_of_a_gated_stream_tells_the_player_its_policy()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync(new { name = "gated", playbackPolicy = new { type = "jwt" } });
        var info = (await Json.ReadObjectAsync(await Gw.Client().GetAsync($"api/playback/{s["playbackId"]}")))!;
        Assert.Equal("jwt", (string?)info["meta"]!["playbackPolicy"]!["type"]);
        Assert.Equal(Gateway.HlsUrl((string)s["playbackId"]!), (string?)info["meta"]!["source"]![0]!["url"]);
    }

    [GeneratedRegex(@"\?grant=\d+\.jwt\.[0-9a-f]{32}\.[A-Za-z0-9_-]{22}$")]
    private static partial Regex GrantUrl();
}
