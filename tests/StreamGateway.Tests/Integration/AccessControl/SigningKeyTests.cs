using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace StreamGateway.Tests.Integration.AccessControl;

public sealed class SigningKeyTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    /// <summary>A new signing key of the tenant's project: (id, publicKey, privateKey) as the API returned them.</summary>
    public static async Task<(string Id, string PublicKey, string PrivateKey)> NewKeyAsync(Tenant t)
    {
        using var created = await t.Http.PostAsync("api/access-control/signing-key", null);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var key = (await Json.ReadObjectAsync(created))!;
        return ((string)key["id"]!, (string)key["publicKey"]!, (string)key["privateKey"]!);
    }

    [Fact]
    public async Task Signing_keys_are_made_shown_once_changed_and_deleted_within_their_project()
    {
        var t = await Gw.NewTenantAsync();
        var other = await Gw.NewTenantAsync();
        var (id, publicKey, privateKey) = await NewKeyAsync(t);

        // Studio's form: base64 of PEM, the public half SPKI and the private half PKCS#8, a P-256 pair.
        using var pub = ECDsa.Create();
        pub.ImportFromPem(Encoding.ASCII.GetString(Convert.FromBase64String(publicKey)));
        using var priv = ECDsa.Create();
        priv.ImportFromPem(Encoding.ASCII.GetString(Convert.FromBase64String(privateKey)));
        Assert.Equal(256, pub.KeySize);
        Assert.Equal(pub.ExportSubjectPublicKeyInfo(), priv.ExportSubjectPublicKeyInfo());
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", Encoding.ASCII.GetString(Convert.FromBase64String(publicKey)), StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", Encoding.ASCII.GetString(Convert.FromBase64String(privateKey)), StringComparison.Ordinal);

        // The private key is never shown again, nor kept: nothing the gateway stores holds it.
        var got = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/access-control/signing-key/{id}")))!;
        Assert.False(got.ContainsKey("privateKey"));
        Assert.Equal(publicKey, (string?)got["publicKey"]);
        Assert.Equal("Signing Key 1", (string?)got["name"]);
        Assert.Equal(t.ProjectId.ToString(), (string?)got["projectId"]);
        Assert.False((bool)got["disabled"]!);
        await using (var db = Gw.Db())
        {
            var row = db.SigningKeys.Single(k => k.Id == Guid.Parse(id));
            Assert.DoesNotContain(privateKey, row.PublicKey, StringComparison.Ordinal);
        }
        var listed = await Json.ReadArrayAsync(await t.Http.GetAsync("api/access-control/signing-key"));
        Assert.Equal([id], listed.Select(k => (string)k!["id"]!));
        Assert.Empty(await Json.ReadArrayAsync(await other.Http.GetAsync("api/access-control/signing-key")));

        using (var patch = await t.Http.PatchAsync($"api/access-control/signing-key/{id}", Json.Body(new { name = "web app", disabled = true })))
        {
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        }
        got = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/access-control/signing-key/{id}")))!;
        Assert.Equal("web app", (string?)got["name"]);
        Assert.True((bool)got["disabled"]!);
        using (var bad = await t.Http.PatchAsync($"api/access-control/signing-key/{id}", Json.Raw("{\"publicKey\":\"x\"}")))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        }

        // Another tenant's key does not exist for this one.
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"api/access-control/signing-key/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.PatchAsync($"api/access-control/signing-key/{id}", Json.Body(new { disabled = false }))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.DeleteAsync($"api/access-control/signing-key/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await t.Http.DeleteAsync($"api/access-control/signing-key/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await t.Http.GetAsync($"api/access-control/signing-key/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_project_has_at_most_ten_signing_keys()
    {
        var t = await Gw.NewTenantAsync();
        for (var i = 0; i < 10; i++)
        {
            await NewKeyAsync(t);
        }
        using var refused = await t.Http.PostAsync("api/access-control/signing-key", Json.Body(new { name = "eleventh" }));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("at most 10 signing keys", (await Json.ErrorsAsync(refused))[0], StringComparison.Ordinal);
        var names = (await Json.ReadArrayAsync(await t.Http.GetAsync("api/access-control/signing-key"))).Select(k => (string)k!["name"]!).ToHashSet();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"Signing Key {i}").ToHashSet(), names);
    }
}
