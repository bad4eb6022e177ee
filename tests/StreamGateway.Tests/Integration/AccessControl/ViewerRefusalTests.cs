using System.Net;

namespace StreamGateway.Tests.Integration.AccessControl;

/// <summary>
/// Every way a viewer token can be wrong, tried on a gated stream's segment URL: refused with its reason (403; 401 for
/// none), and a good token gets past the gate to the 404 of a segment that does not exist.
/// </summary>
public sealed class ViewerRefusalTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    private static async Task<(HttpStatusCode Status, string? Reason)> TryAsync(HttpClient viewer, string url, string? token)
    {
        using var response = await viewer.GetAsync(token is null ? url : $"{url}?jwt={token}");
        var reason = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? (await Json.ErrorsAsync(response))[0] : null;
        return (response.StatusCode, reason);
    }

    [Fact]
    public async Task Every_bad_token_is_refused_with_its_reason_and_leaks_nothing()
    {
        var t = await Gw.NewTenantAsync();
        var other = await Gw.NewTenantAsync();
        var (_, publicKey, privateKey) = await SigningKeyTests.NewKeyAsync(t);
        var (_, otherPublic, otherPrivate) = await SigningKeyTests.NewKeyAsync(other);
        var (deletedId, deletedPublic, deletedPrivate) = await SigningKeyTests.NewKeyAsync(t);
        Assert.Equal(HttpStatusCode.NoContent, (await t.Http.DeleteAsync($"api/access-control/signing-key/{deletedId}")).StatusCode);
        var s = await t.CreateStreamAsync(new { name = "gated", playbackPolicy = new { type = "jwt" } });
        var playbackId = (string)s["playbackId"]!;
        var url = Gateway.HlsUrl(playbackId, "source/n0segment.ts");
        using var viewer = Gw.Client();
        string Good(TimeSpan? expiresIn = null) => ViewerJwt.Sign(privateKey, ViewerJwt.Claims(publicKey, playbackId, expiresIn));

        Assert.Equal((HttpStatusCode.NotFound, null), await TryAsync(viewer, url, Good()));

        var cases = new (string What, string? Token, HttpStatusCode Status, string Reason)[]
        {
            ("no token", null, HttpStatusCode.Unauthorized, "this content needs a viewer JWT, as ?jwt= or the Livepeer-Jwt header"),
            ("not a JWT", "not.a.jwt", HttpStatusCode.Forbidden, "the token is not a well-formed JWT"),
            ("expired", ViewerJwt.Sign(privateKey, ViewerJwt.Claims(publicKey, playbackId, TimeSpan.FromMinutes(-5))), HttpStatusCode.Forbidden, "the token has expired"),
            ("not yet valid", ViewerJwt.Sign(privateKey, ViewerJwt.Claims(publicKey, playbackId, TimeSpan.FromHours(2), notBefore: TimeSpan.FromHours(1))), HttpStatusCode.Forbidden, "the token is not valid yet"),
            ("too far ahead", Good(TimeSpan.FromDays(8)), HttpStatusCode.Forbidden, "the token's exp is more than 168 hours ahead"),
            ("without exp", ViewerJwt.Sign(privateKey, new { pub = publicKey, sub = playbackId }), HttpStatusCode.Forbidden, "the token has no exp"),
            ("another playback id", ViewerJwt.Sign(privateKey, ViewerJwt.Claims(publicKey, "someoneelse1")), HttpStatusCode.Forbidden, "the token is for other content (sub must be the playback id)"),
            ("another project's key", ViewerJwt.Sign(otherPrivate, ViewerJwt.Claims(otherPublic, playbackId)), HttpStatusCode.Forbidden, "no signing key of this content's project matches the token"),
            ("another project's key named as ours", ViewerJwt.Sign(otherPrivate, ViewerJwt.Claims(publicKey, playbackId)), HttpStatusCode.Forbidden, "the token's signature does not verify"),
            ("a deleted key", ViewerJwt.Sign(deletedPrivate, ViewerJwt.Claims(deletedPublic, playbackId)), HttpStatusCode.Forbidden, "no signing key of this content's project matches the token"),
            ("alg none", ViewerJwt.WithoutSignature(ViewerJwt.Claims(publicKey, playbackId)), HttpStatusCode.Forbidden, "the token must be signed with ES256"),
            ("a tampered payload", ViewerJwt.WithPayload(ViewerJwt.Sign(privateKey, ViewerJwt.Claims(publicKey, "someoneelse1")), ViewerJwt.Claims(publicKey, playbackId)), HttpStatusCode.Forbidden, "the token's signature does not verify"),
            ("HS256 with the public key as secret", ViewerJwt.HmacWithPublicKey(publicKey, ViewerJwt.Claims(publicKey, playbackId)), HttpStatusCode.Forbidden, "the token must be signed with ES256"),
            ("too long", new string('a', 5000), HttpStatusCode.Forbidden, "the token is too long"),
        };
        foreach (var (what, token, status, reason) in cases)
        {
            var (gotStatus, gotReason) = await TryAsync(viewer, url, token);
            Assert.True(status == gotStatus && reason == gotReason, $"{what}: {(int)gotStatus} {gotReason}");
            if (token is { Length: > 20 })
            {
                Assert.DoesNotContain(token[..20], gotReason ?? "", StringComparison.Ordinal);
            }
        }
        // The master playlist and the MP4 path answer the same way.
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync(Gateway.HlsUrl(playbackId))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync(Gateway.HlsUrl(playbackId, "static360p0.mp4") + "?jwt=" + cases[2].Token)).StatusCode);
    }

    [Fact]
    public async Task Allowed_origins_keep_a_stream_to_the_pages_listed()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync(new { name = "embedded", playbackPolicy = new { type = "public", allowedOrigins = new[] { "https://app.example" } } });
        var url = Gateway.HlsUrl((string)s["playbackId"]!, "source/n0segment.ts");
        using var viewer = Gw.Client();

        async Task<HttpResponseMessage> FromAsync(string? origin, string? referer = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }
            if (referer is not null)
            {
                request.Headers.Referrer = new Uri(referer);
            }
            return await viewer.SendAsync(request);
        }

        using (var listed = await FromAsync("https://app.example"))
        {
            Assert.Equal(HttpStatusCode.NotFound, listed.StatusCode); // past the gate: the segment does not exist
            Assert.Equal("https://app.example", listed.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Contains("Origin", listed.Headers.Vary);
        }
        using (var byReferer = await FromAsync("null", "https://app.example/watch?v=1"))
        {
            Assert.Equal(HttpStatusCode.NotFound, byReferer.StatusCode);
        }
        using (var elsewhere = await FromAsync("https://evil.example"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
            Assert.Equal("this content may not be played from origin https://evil.example", (await Json.ErrorsAsync(elsewhere))[0]);
        }
        using (var nowhere = await FromAsync(null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, nowhere.StatusCode);
        }

        // A browser's preflight for a header-borne credential is answered.
        using var preflight = new HttpRequestMessage(HttpMethod.Options, url);
        preflight.Headers.Add("Origin", "https://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "livepeer-jwt");
        using var answer = await viewer.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Contains("Livepeer-Jwt", answer.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.Ordinal);

        // Origins are checked when the policy is set.
        using var bad = await t.Http.PostAsync("api/stream", Json.Body(new { name = "x", playbackPolicy = new { type = "jwt", allowedOrigins = new[] { "app.example/path" } } }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
    }
}
