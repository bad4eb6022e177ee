using System.Net;
using System.Net.Http.Headers;

namespace StreamGateway.Tests.Integration.AccessControl;

/// <summary>A gated asset: its HLS, MP4 download, thumbnails and their index all need the viewer's credential.</summary>
public sealed class GatedAssetTests : IDisposable
{
    private static readonly Gateway Gw = Gateway.Instance;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sg-gated-asset-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_gated_asset_serves_nothing_without_a_credential_under_either_policy()
    {
        var file = Path.Combine(_dir.FullName, "clip.mp4");
        var (code, _, error) = await Viewer.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
            "testsrc2=size=320x180:rate=30", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p", file);
        Assert.True(code == 0, error);
        var t = await Gw.NewTenantAsync();
        var (_, publicKey, privateKey) = await SigningKeyTests.NewKeyAsync(t);
        var asset = await Uploads.UploadAsync(await File.ReadAllBytesAsync(file), staticMp4: true, tenant: t, playbackPolicy: new { type = "jwt" },
            profiles: [new { name = "180p", width = 320, height = 180, bitrate = 300_000 }]);
        Assert.Equal("ready", (string?)asset["status"]!["phase"]);
        var (assetId, playbackId) = ((string)asset["id"]!, (string)asset["playbackId"]!);
        var download = (string)asset["downloadUrl"]!;
        var jwt = "?jwt=" + ViewerJwt.Sign(privateKey, ViewerJwt.Claims(publicKey, playbackId));
        using var viewer = Gw.Client();

        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync(Gateway.HlsUrl(playbackId))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync(download)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.SendAsync(new HttpRequestMessage(HttpMethod.Head, download))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync(Gateway.HlsUrl(playbackId, "thumbnails/thumbnails.vtt"))).StatusCode);

        // The MP4 with the token, by range as a player seeks.
        using (var range = new HttpRequestMessage(HttpMethod.Get, download + jwt))
        {
            range.Headers.Range = new RangeHeaderValue(0, 99);
            using var part = await viewer.SendAsync(range);
            Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
            Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString((await part.Content.ReadAsByteArrayAsync())[4..8]));
        }

        // The thumbnails' index points at images with the grant; an image without it is refused.
        using var index = await viewer.GetAsync(Gateway.HlsUrl(playbackId, "thumbnails/thumbnails.vtt") + jwt);
        var vtt = await index.Content.ReadAsStringAsync();
        Assert.True(index.StatusCode == HttpStatusCode.OK, $"{(int)index.StatusCode} {vtt}");
        var image = vtt.Split('\n').FirstOrDefault(l => l.Contains(".jpg", StringComparison.Ordinal))?.Split('#')[0].Trim();
        Assert.True(image is not null, vtt);
        Assert.Contains("?grant=", image, StringComparison.Ordinal);
        using (var jpeg = await viewer.GetAsync(Gateway.HlsUrl(playbackId, "thumbnails/" + image)))
        {
            Assert.Equal(HttpStatusCode.OK, jpeg.StatusCode);
            Assert.Equal("image/jpeg", jpeg.Content.Headers.ContentType!.MediaType);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync(Gateway.HlsUrl(playbackId, "thumbnails/" + image.Split('?')[0]))).StatusCode);

        // ffmpeg plays the VOD with the token.
        var decode = await Viewer.RunAsync("ffmpeg", "-v", "error", "-i", Gateway.HlsUrl(playbackId) + jwt, "-f", "null", "-");
        Assert.True(decode.ExitCode == 0, decode.Stderr);

        // Private stays private: no switching to public after creation, as on Studio; to the other private policy, yes.
        using (var toPublic = await t.Http.PatchAsync($"api/asset/{assetId}", Json.Body(new { playbackPolicy = new { type = "public" } })))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, toPublic.StatusCode);
        }
        await using var receiver = new WebhookReceiver { Answer = d => d.Text.Contains("\"accessKey\":\"member\"", StringComparison.Ordinal) ? 204 : 401 };
        var hook = await t.CreateWebhookAsync(receiver.Url, ["playback.accessControl"]);
        using (var toWebhook = await t.Http.PatchAsync($"api/asset/{assetId}", Json.Body(new { playbackPolicy = new { type = "webhook", webhookId = (string)hook["id"]! } })))
        {
            Assert.Equal(HttpStatusCode.OK, toWebhook.StatusCode);
        }
        await Poll.UntilAsync(async () => (await viewer.GetAsync(download + "?accessKey=member")).StatusCode == HttpStatusCode.OK, 5, "the access key to open the MP4");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync(download + "?accessKey=stranger")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync(download + jwt)).StatusCode);

        // A deleted asset stops playing.
        Assert.Equal(HttpStatusCode.NoContent, (await t.Http.DeleteAsync($"api/asset/{assetId}")).StatusCode);
        await Poll.UntilAsync(async () => (await viewer.GetAsync(download + "?accessKey=member")).StatusCode == HttpStatusCode.NotFound, 5, "the deleted asset to stop");
    }
}
