using System.Net;
using System.Net.Http.Json;

namespace StreamGateway.Tests.Integration;

public sealed class BadInputTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    [Fact]
    public async Task Malformed_json_is_400_with_a_message()
    {
        var t = await Gw.NewTenantAsync();
        using var response = await t.Http.PostAsync("api/stream", Json.Raw("{\"name\": \"x\","));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("malformed JSON", (await Json.ErrorsAsync(response))[0]);
    }

    [Theory]
    [InlineData("{}", "name: is required")]
    [InlineData("{\"name\":\"x\",\"profiles\":[{\"name\":\"a\",\"width\":100,\"height\":360,\"bitrate\":500000,\"fps\":30}]}", "profiles[0].width: must be an integer from 128 to 4096")]
    [InlineData("{\"name\":\"x\",\"profiles\":[{\"name\":\"a\",\"width\":640,\"height\":360,\"bitrate\":500000,\"fps\":29.97}]}", "$.profiles[0].fps: has the wrong type or an invalid value")]
    [InlineData("{\"name\":\"x\",\"colour\":\"blue\"}", "$.colour: unknown field (additional properties are not allowed)")]
    [InlineData("{\"name\":\"x\",\"profiles\":[{\"name\":\"a\",\"width\":640,\"height\":360,\"bitrate\":500000,\"fps\":30,\"profile\":\"H265\"}]}", "profiles[0].profile: must be one of H264Baseline, H264Main, H264High, H264ConstrainedHigh")]
    [InlineData("{\"name\":\"x\",\"userTags\":{\"a\":{\"nested\":true}}}", "userTags.a: must be a string, a number, or an array of strings and numbers")]
    [InlineData("{\"name\":\"x\",\"recordingSpec\":{\"profiles\":[]}}", "recordingSpec: only allowed when record is true")]
    [InlineData("{\"name\":\"x\",\"pull\":{\"source\":\"gopher://elsewhere/live\"}}", "pull.source: must be an rtmp://, rtmps://, srt://, http:// or https:// URL with a host (an HLS playlist for HTTP)")]
    [InlineData("[1,2]", "body: must be a JSON object")]
    public async Task Invalid_stream_fields_are_422_with_messages(string body, string expected)
    {
        var t = await Gw.NewTenantAsync();
        using var response = await t.Http.PostAsync("api/stream", Json.Raw(body));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(expected, await Json.ErrorsAsync(response));
        // Nothing was created by the rejected request.
        Assert.Empty(await Json.ReadArrayAsync(await t.Http.GetAsync("api/stream")));
    }

    [Fact]
    public async Task Multistream_target_without_id_or_spec_is_400()
    {
        var t = await Gw.NewTenantAsync();
        using var response = await t.Http.PostAsJsonAsync("api/stream", new { name = "x", multistream = new { targets = new[] { new { profile = "source" } } } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("exactly one of", (await Json.ErrorsAsync(response))[0]);
    }

    [Fact]
    public async Task Body_over_one_mebibyte_is_413()
    {
        var t = await Gw.NewTenantAsync();
        var huge = "{\"name\":\"" + new string('a', 1024 * 1024 + 10) + "\"}";
        using var response = await t.Http.PostAsync("api/stream", Json.Raw(huge));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("limit", (await Json.ErrorsAsync(response))[0]);
    }

    [Fact]
    public async Task Unknown_api_route_is_404_json()
    {
        var t = await Gw.NewTenantAsync();
        using var response = await t.Http.GetAsync("api/no-such-thing/at-all");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(["not found"], await Json.ErrorsAsync(response));
    }

    [Fact]
    public async Task Errors_never_carry_a_stack_trace()
    {
        var t = await Gw.NewTenantAsync();
        foreach (var body in new[] { "{\"name\":", "{\"name\":1}", "{\"name\":\"x\",\"profiles\":\"no\"}", "\u0000\u0001" })
        {
            using var response = await t.Http.PostAsync("api/stream", Json.Raw(body));
            Assert.True((int)response.StatusCode is 400 or 422, $"{body} → {(int)response.StatusCode}");
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("   at ", text);
            Assert.DoesNotContain("Exception", text);
        }
    }
}
