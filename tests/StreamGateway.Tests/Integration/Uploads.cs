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

    /// <summary>A tus 1.0.0 request with the protocol's header and the ones given.</summary>
    public static HttpRequestMessage Tus(HttpMethod method, string url, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        return request;
    }

    /// <summary>A tus PATCH of <paramref name="bytes"/> at <paramref name="offset"/>.</summary>
    public static HttpRequestMessage Patch(string url, long offset, byte[] bytes)
    {
        var request = Tus(HttpMethod.Patch, url, ("Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/offset+octet-stream");
        return request;
    }
}
