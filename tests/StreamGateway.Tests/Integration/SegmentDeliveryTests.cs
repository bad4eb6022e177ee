using System.Net;
using System.Net.Http.Headers;
using StreamGateway.Tests.Integration.AccessControl;
using StreamGateway.Tests.Integration.Transcoding;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// Segments delivered from the object store instead of the gateway (Hls:SegmentBaseUrl, the store layout), on a gateway
/// of its own whose media is in the suite's S3 server: a public stream's media playlist names its segments in the
/// bucket and ffmpeg plays them from there; a gated stream's playlist keeps them behind the gateway's checks.
/// </summary>
public sealed class SegmentDeliveryTests
{
    private const int HttpPort = 18096, RtmpPort = 11951;

    [Fact]
    public async Task Public_segments_come_from_the_bucket_and_gated_ones_through_the_gateway()
    {
        var s3 = Environment.GetEnvironmentVariable("SG_S3_URL") ?? throw new InvalidOperationException("SG_S3_URL is not set: run ./dev test");
        var bucket = Environment.GetEnvironmentVariable("SG_S3_BUCKET") ?? "streamgateway";
        var bucketUrl = $"{s3}/{bucket}";
        await using var gateway = await SecondGateway.StartAsync(HttpPort, RtmpPort, redisDatabase: 11, new Dictionary<string, string>
        {
            ["Storage__Backend"] = "s3",
            ["Storage__S3__ServiceUrl"] = s3,
            ["Storage__S3__Bucket"] = bucket,
            ["Storage__S3__AccessKey"] = "S3RVER",
            ["Storage__S3__SecretKey"] = "S3RVER",
            ["Hls__SegmentBaseUrl"] = bucketUrl,
            ["Hls__SegmentUrlLayout"] = "store",
            // No orchestrators: only the source is delivered, which is all this test looks at.
            ["Transcoding__RpcUrl"] = "",
            ["Transcoding__Controller"] = "",
        });
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}/") };
        var key = await gateway.NewApiKeyAsync();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var t = new Tenant(key, Guid.Empty, Guid.Empty, http);
        var open = await t.CreateStreamAsync();
        var gated = await t.CreateStreamAsync(new { name = "gated", playbackPolicy = new { type = "jwt" } });
        var (_, publicKey, privateKey) = await SigningKeyTests.NewKeyAsync(t);

        await using var one = Broadcaster.Start((string)open["streamKey"]!, 10, rtmpUrl: $"rtmp://127.0.0.1:{RtmpPort}/live");
        await using var two = Broadcaster.Start((string)gated["streamKey"]!, 10, rtmpUrl: $"rtmp://127.0.0.1:{RtmpPort}/live");
        using var viewer = new HttpClient();
        var openId = (string)open["playbackId"]!;
        var openPlaylist = $"http://127.0.0.1:{HttpPort}/hls/{openId}/source/index.m3u8";
        string[] segments = [];
        await Poll.UntilAsync(async () =>
        {
            using var response = await viewer.GetAsync(openPlaylist);
            segments = response.IsSuccessStatusCode
                ? [.. (await response.Content.ReadAsStringAsync()).Split('\n').Where(l => l.Length > 0 && l[0] != '#')]
                : [];
            return segments.Length >= 2;
        }, 40, "two public segments");

        // The public playlist names each segment by its object key in the bucket, which serves it as it is.
        Assert.All(segments, s => Assert.StartsWith($"{bucketUrl}/live/{openId}/source/", s, StringComparison.Ordinal));
        using (var direct = await viewer.GetAsync(segments[0]))
        {
            Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
            Assert.Equal("video/mp2t", direct.Content.Headers.ContentType?.MediaType);
            Assert.Equal(0x47, (await direct.Content.ReadAsByteArrayAsync())[0]);
        }
        var (code, output, error) = await Viewer.RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", openPlaylist);
        Assert.True(code == 0, error);
        Assert.Contains("h264", output, StringComparison.Ordinal);

        // The gated playlist keeps its segments relative, each with the viewer's grant, so they pass the gateway's checks.
        var gatedId = (string)gated["playbackId"]!;
        var jwt = ViewerJwt.Sign(privateKey, ViewerJwt.Claims(publicKey, gatedId));
        var gatedPlaylist = "";
        await Poll.UntilAsync(async () =>
        {
            using var response = await viewer.GetAsync($"http://127.0.0.1:{HttpPort}/hls/{gatedId}/source/index.m3u8?jwt={jwt}");
            gatedPlaylist = response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : "";
            return gatedPlaylist.Contains(".ts", StringComparison.Ordinal);
        }, 40, "a gated segment");
        var line = gatedPlaylist.Split('\n').First(l => l.Contains(".ts", StringComparison.Ordinal));
        Assert.DoesNotContain("://", line, StringComparison.Ordinal);
        Assert.Contains("grant=", line, StringComparison.Ordinal);
        using var refused = await viewer.GetAsync($"http://127.0.0.1:{HttpPort}/hls/{gatedId}/source/{line.Split('?')[0]}");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var admitted = await viewer.GetAsync($"http://127.0.0.1:{HttpPort}/hls/{gatedId}/source/{line}");
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }
}
