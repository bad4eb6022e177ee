using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Tests.Integration;

public sealed class WebhookTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    [Fact]
    public async Task Crud_uses_the_status_codes_the_sdk_expects()
    {
        var t = await Gw.NewTenantAsync();
        var created = await t.CreateWebhookAsync("https://example.com/hook", ["stream.started", "asset.ready"], "s3cret");
        var id = (string)created["id"]!;
        Assert.Equal("hook", (string?)created["name"]);
        Assert.Equal(["stream.started", "asset.ready"], created["events"]!.AsArray().Select(e => (string)e!));
        Assert.False(created.ContainsKey("sharedSecret")); // write-only

        using (var put = await t.Http.PutAsJsonAsync($"api/webhook/{id}", new { name = "renamed", url = "https://example.com/other", events = new[] { "stream.idle" } }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var updated = (await Json.ReadObjectAsync(put))!;
            Assert.Equal("renamed", (string?)updated["name"]);
            Assert.Equal("https://example.com/other", (string?)updated["url"]);
            Assert.Equal(["stream.idle"], updated["events"]!.AsArray().Select(e => (string)e!));
        }
        var list = await Json.ReadArrayAsync(await t.Http.GetAsync("api/webhook"));
        Assert.Single(list);
        Assert.Empty(await Json.ReadArrayAsync(await t.Http.GetAsync($"api/webhook/{id}/log")));

        using (var delete = await t.Http.DeleteAsync($"api/webhook/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
            Assert.Equal(id, (string?)(await Json.ReadObjectAsync(delete))!["id"]);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await t.Http.GetAsync($"api/webhook/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("{\"name\":\"x\",\"url\":\"http://example.com\",\"events\":[\"stream.exploded\"]}", "events: unknown event \"stream.exploded\"")]
    [InlineData("{\"name\":\"x\",\"url\":\"ftp://example.com\",\"events\":[\"stream.idle\"]}", "url: must be an absolute http:// or https:// URL")]
    [InlineData("{\"name\":\"x\",\"url\":\"http://example.com\"}", "events: must provide \"events\" field with subscriptions")]
    [InlineData("{\"url\":\"http://example.com\",\"events\":[\"stream.idle\"]}", "name: is required")]
    public async Task Invalid_webhooks_are_422(string body, string expected)
    {
        var t = await Gw.NewTenantAsync();
        using var response = await t.Http.PostAsync("api/webhook", Json.Raw(body));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(await Json.ErrorsAsync(response), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    private static async Task<string> StartStreamAsync(Tenant t)
    {
        var id = (string)(await t.CreateStreamAsync(new { name = "webhook source" }))["id"]!;
        await SetActiveAsync(id);
        return id;
    }

    private static async Task SetActiveAsync(string streamId)
    {
        using var admin = Gw.Client(Gw.AdminKey);
        using var response = await admin.PutAsJsonAsync($"api/stream/{streamId}/setactive", new { active = true });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Delivery_is_signed_and_carries_the_stream_without_its_key()
    {
        await using var receiver = new WebhookReceiver();
        var t = await Gw.NewTenantAsync();
        var hook = await t.CreateWebhookAsync(receiver.Url, ["stream.started", "stream.idle"], "topsecret");
        var streamId = await StartStreamAsync(t);

        var delivery = (await receiver.WaitForAsync(1))[0];
        Assert.True(WebhookSignature.Verify("topsecret", delivery.Body, delivery.Headers["Livepeer-Signature"]));
        Assert.False(WebhookSignature.Verify("wrong", delivery.Body, delivery.Headers["Livepeer-Signature"]));
        Assert.Equal("livepeer.studio", delivery.Headers["User-Agent"]);

        var body = JsonNode.Parse(delivery.Text)!.AsObject();
        Assert.Equal(["id", "webhookId", "createdAt", "timestamp", "event", "stream"], body.Select(p => p.Key));
        Assert.Equal("stream.started", (string?)body["event"]);
        Assert.Equal((string?)hook["id"], (string?)body["webhookId"]);
        Assert.Equal(streamId, (string?)body["stream"]!["id"]);
        Assert.True((bool)body["stream"]!["isActive"]!);
        Assert.False(body["stream"]!.AsObject().ContainsKey("streamKey"));
        Assert.Equal($"t={(long)body["timestamp"]!}", delivery.Headers["Livepeer-Signature"].Split(',')[0]);

        // Setting the same state again emits nothing; going idle emits stream.idle.
        using var admin = Gw.Client(Gw.AdminKey);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"api/stream/{streamId}/setactive", new { active = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"api/stream/{streamId}/setactive", new { active = false })).StatusCode);
        var all = await receiver.WaitForAsync(2);
        Assert.Equal("stream.idle", (string?)JsonNode.Parse(all[1].Text)!["event"]);
        Assert.Equal(2, all.Length);
    }

    [Fact]
    public async Task A_500_is_retried_with_the_same_event_id_and_every_attempt_is_logged()
    {
        await using var receiver = new WebhookReceiver(n => n == 1 ? 500 : 200);
        var t = await Gw.NewTenantAsync();
        var hook = await t.CreateWebhookAsync(receiver.Url, ["stream.started"], "k");
        await StartStreamAsync(t);

        var deliveries = await receiver.WaitForAsync(2);
        var first = JsonNode.Parse(deliveries[0].Text)!;
        var second = JsonNode.Parse(deliveries[1].Text)!;
        Assert.Equal((string?)first["id"], (string?)second["id"]);
        Assert.True((long)second["timestamp"]! > (long)first["timestamp"]!);

        var logs = await WaitForLogsAsync(t, (string)hook["id"]!, 2);
        Assert.Equal([200, 500], logs.Select(l => (int)l!["response"]!["status"]!)); // newest first
        Assert.Equal([true, false], logs.Select(l => (bool)l!["success"]!));

        var status = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/webhook/{hook["id"]}")))!["status"]!;
        Assert.Equal(500, (int)status["lastFailure"]!["statusCode"]!);
        Assert.True((long)status["lastTriggeredAt"]! > 0);
    }

    [Fact]
    public async Task A_400_is_not_retried_and_a_log_can_be_resent()
    {
        await using var receiver = new WebhookReceiver(n => n == 1 ? 400 : 204);
        var t = await Gw.NewTenantAsync();
        var hookId = (string)(await t.CreateWebhookAsync(receiver.Url, ["stream.started"], "k2"))["id"]!;
        await StartStreamAsync(t);

        await receiver.WaitForAsync(1);
        var logs = await WaitForLogsAsync(t, hookId, 1);
        Assert.False((bool)logs[0]!["success"]!);
        Assert.Equal(400, (int)logs[0]!["response"]!["status"]!);
        // A retry would come after the 1 s test backoff plus the 1 s schedule poll; give it three times that.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Single(receiver.Deliveries);

        var logId = (string)logs[0]!["id"]!;
        using (var one = await t.Http.GetAsync($"api/webhook/{hookId}/log/{logId}"))
        {
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
            Assert.Equal("stream.started", (string?)(await Json.ReadObjectAsync(one))!["event"]);
        }
        using var resend = await t.Http.PostAsync($"api/webhook/{hookId}/log/{logId}/resend", null);
        Assert.Equal(HttpStatusCode.OK, resend.StatusCode);
        var resent = (await Json.ReadObjectAsync(resend))!;
        Assert.True((bool)resent["success"]!);
        Assert.NotEqual(logId, (string?)resent["id"]);

        var both = await receiver.WaitForAsync(2);
        Assert.Equal((string?)JsonNode.Parse(both[0].Text)!["id"], (string?)JsonNode.Parse(both[1].Text)!["id"]);
        Assert.True(WebhookSignature.Verify("k2", both[1].Body, both[1].Headers["Livepeer-Signature"]));
        Assert.Equal(2, (await Json.ReadArrayAsync(await t.Http.GetAsync($"api/webhook/{hookId}/log"))).Count);
    }

    [Fact]
    public async Task Webhooks_of_other_projects_and_other_events_get_nothing()
    {
        await using var mine = new WebhookReceiver();
        await using var theirs = new WebhookReceiver();
        var t = await Gw.NewTenantAsync();
        var other = await Gw.NewTenantAsync();
        await t.CreateWebhookAsync(mine.Url, ["stream.started"]);
        await t.CreateWebhookAsync(theirs.Url, ["asset.ready"]);
        await other.CreateWebhookAsync(theirs.Url, ["stream.started"]);
        await StartStreamAsync(t);

        var got = await mine.WaitForAsync(1);
        Assert.False(got[0].Headers.ContainsKey("Livepeer-Signature")); // no secret, no signature
        await Task.Delay(TimeSpan.FromSeconds(2)); // both deliveries are dispatched by the same job
        Assert.Empty(theirs.Deliveries);
    }

    [Fact]
    public async Task A_webhook_scoped_to_a_stream_gets_only_that_streams_events()
    {
        await using var scopedReceiver = new WebhookReceiver();
        await using var projectReceiver = new WebhookReceiver();
        var t = await Gw.NewTenantAsync();
        var scopedStream = (string)(await t.CreateStreamAsync(new { name = "scoped" }))["id"]!;
        var otherStream = (string)(await t.CreateStreamAsync(new { name = "other" }))["id"]!;
        var scoped = await t.CreateWebhookAsync(scopedReceiver.Url, ["stream.started"], streamId: scopedStream);
        Assert.Equal(scopedStream, (string?)scoped["streamId"]);
        await t.CreateWebhookAsync(projectReceiver.Url, ["stream.started"]);

        await SetActiveAsync(otherStream);
        await SetActiveAsync(scopedStream);

        // The unscoped webhook hears both; both events' deliveries to the scoped one would be under way by then.
        await projectReceiver.WaitForAsync(2);
        await scopedReceiver.WaitForAsync(1);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var delivery = Assert.Single(scopedReceiver.Deliveries);
        Assert.Equal(scopedStream, (string?)JsonNode.Parse(delivery.Text)!["stream"]!["id"]);
    }

    [Fact]
    public async Task An_endless_answer_is_cut_off_at_the_limit_and_the_delivery_ends_promptly()
    {
        await using var receiver = new WebhookReceiver(endlessBody: true);
        var t = await Gw.NewTenantAsync();
        var hookId = (string)(await t.CreateWebhookAsync(receiver.Url, ["stream.started"]))["id"]!;
        await StartStreamAsync(t);

        await receiver.WaitForAsync(1);
        // The default 30 s delivery timeout would end it otherwise; the gateway must hang up after the first few KiB.
        await receiver.BodyCutOff.WaitAsync(TimeSpan.FromSeconds(10));
        var log = (await WaitForLogsAsync(t, hookId, 1))[0]!;
        Assert.True((bool)log["success"]!, (string?)log["error"]);
        Assert.Equal(200, (int)log["response"]!["status"]!);
        var stored = Convert.FromBase64String((string)log["response"]!["body"]!);
        Assert.Equal(new WebhookOptions().MaxResponseBytes, stored.Length);
        Assert.All(stored, b => Assert.Equal((byte)'x', b));
        Assert.True((double)log["duration"]! < 10, $"the delivery took {log["duration"]} s");
    }

    private static async Task<JsonArray> WaitForLogsAsync(Tenant t, string hookId, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var logs = await Json.ReadArrayAsync(await t.Http.GetAsync($"api/webhook/{hookId}/log"));
            if (logs.Count >= count)
            {
                return logs;
            }
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} webhook logs, got {logs.Count}");
            await Task.Delay(100);
        }
    }
}
