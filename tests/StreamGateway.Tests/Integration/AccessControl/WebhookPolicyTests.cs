using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Tests.Integration.AccessControl;

/// <summary>A <c>webhook</c> policy: the app's receiver decides who plays, per access key, and its silence refuses.</summary>
public sealed class WebhookPolicyTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    private static async Task<string> GatedStreamAsync(Tenant t, string receiverUrl)
    {
        var hook = await t.CreateWebhookAsync(receiverUrl, ["playback.accessControl"], secret: "gate-secret");
        var s = await t.CreateStreamAsync(new
        {
            name = "paywalled",
            playbackPolicy = new { type = "webhook", webhookId = (string)hook["id"]!, webhookContext = new { tier = "gold" }, refreshInterval = 600 },
        });
        return (string)s["playbackId"]!;
    }

    [Fact]
    public async Task The_receiver_is_asked_signed_its_answer_kept_and_a_refusal_refuses()
    {
        await using var receiver = new WebhookReceiver
        {
            Answer = d => JsonNode.Parse(d.Text)!["accessKey"]!.GetValue<string>() == "paid-up" ? 200 : 403,
        };
        var t = await Gw.NewTenantAsync();
        var playbackId = await GatedStreamAsync(t, receiver.Url);
        var url = Gateway.HlsUrl(playbackId, "source/n0segment.ts");
        using var viewer = Gw.Client();

        using (var none = await viewer.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Contains("access key", (await Json.ErrorsAsync(none))[0], StringComparison.Ordinal);
        }
        Assert.Empty(receiver.Deliveries);

        // Let in: past the gate to the 404 of a segment that does not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync(url + "?accessKey=paid-up")).StatusCode);
        var asked = Assert.Single(receiver.Deliveries);
        Assert.True(WebhookSignature.Verify("gate-secret", asked.Body, asked.Headers["Livepeer-Signature"]));
        var body = JsonNode.Parse(asked.Text)!.AsObject();
        Assert.Equal("paid-up", (string?)body["accessKey"]);
        Assert.Equal("gold", (string?)body["context"]!["tier"]);
        Assert.True((long)body["timestamp"]! > 0);
        Assert.EndsWith("/source/n0segment.ts", (string?)body["playURL"], StringComparison.Ordinal);

        // The answer is kept for refreshInterval: the same key, even as a header, does not ask again.
        using (var request = new HttpRequestMessage(HttpMethod.Get, url))
        {
            request.Headers.Add("Livepeer-Access-Key", "paid-up");
            Assert.Equal(HttpStatusCode.NotFound, (await viewer.SendAsync(request)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync(url + "?accessKey=paid-up")).StatusCode);
        Assert.Single(receiver.Deliveries);

        using (var refused = await viewer.GetAsync(url + "?accessKey=lapsed"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("the access key was refused", (await Json.ErrorsAsync(refused))[0]);
        }
        Assert.Equal(2, receiver.Deliveries.Count);
    }

    [Fact]
    public async Task A_receiver_that_is_down_or_silent_refuses_playback()
    {
        // Silent: accepts the connection and never answers.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    held.Add(await silent.AcceptTcpClientAsync());
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        });
        var t = await Gw.NewTenantAsync();
        var playbackId = await GatedStreamAsync(t, $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/hook");
        using var viewer = Gw.Client();
        var started = DateTime.UtcNow;
        using (var timedOut = await viewer.GetAsync(Gateway.HlsUrl(playbackId, "source/n0segment.ts") + "?accessKey=anyone"))
        {
            Assert.Equal(HttpStatusCode.BadGateway, timedOut.StatusCode);
            Assert.Equal("the content's access check did not answer, so playback is refused", (await Json.ErrorsAsync(timedOut))[0]);
        }
        var waited = DateTime.UtcNow - started;
        Assert.InRange(waited, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10)); // AccessControl:WebhookTimeoutSeconds is 2 in the suite
        silent.Stop();
        await accepting;
        held.ForEach(c => c.Dispose());

        // Down: nothing listens there any more.
        using (var down = await viewer.GetAsync(Gateway.HlsUrl(playbackId, "source/n0segment.ts") + "?accessKey=anyone"))
        {
            Assert.Equal(HttpStatusCode.BadGateway, down.StatusCode);
        }
    }

    [Fact]
    public async Task A_client_cannot_name_another_address_to_a_gateway_that_trusts_no_proxy()
    {
        await using var receiver = new WebhookReceiver();
        var t = await Gw.NewTenantAsync();
        var playbackId = await GatedStreamAsync(t, receiver.Url);
        using var viewer = Gw.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, Gateway.HlsUrl(playbackId, "source/n0segment.ts") + "?accessKey=spoof");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        await viewer.SendAsync(request);
        var asked = Assert.Single(receiver.Deliveries);
        Assert.Equal("127.0.0.1", (string?)JsonNode.Parse(asked.Text)!["userIP"]);
    }
}
