using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace StreamGateway.Tests.Integration;

/// <summary>Assets uploaded as a tenant would: request-upload, PUT the file, wait for the outcome.</summary>
public static class Uploads
{
    /// <summary>Uploads the bytes as a new tenant's asset and waits until it is ready or failed.</summary>
    /// <param name="profiles">The asset's requested profiles, or null for the default ladder.</param>
    /// <param name="tenant">Whose asset it is; a new tenant's when null.</param>
    public static async Task<JsonObject> UploadAsync(byte[] bytes, bool staticMp4 = false, object[]? profiles = null, Tenant? tenant = null,
        object? playbackPolicy = null)
    {
        var gw = Gateway.Instance;
        var t = tenant ?? await gw.NewTenantAsync();
        using var created = await t.Http.PostAsJsonAsync("api/asset/request-upload", new { name = "upload", staticMp4, profiles, playbackPolicy });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var body = (await Json.ReadObjectAsync(created))!;
        var id = body["asset"]!["id"]!.GetValue<string>();
        using (var put = await gw.Client().PutAsync(body["url"]!.GetValue<string>(), new ByteArrayContent(bytes)))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }
        JsonObject? asset = null;
        await Poll.UntilAsync(async () =>
        {
            asset = await Json.ReadObjectAsync(await t.Http.GetAsync($"api/asset/{id}"));
            return asset!["status"]!["phase"]!.GetValue<string>() is "ready" or "failed";
        }, 180, $"asset {id} to be ready or failed");
        return asset!;
    }
}
