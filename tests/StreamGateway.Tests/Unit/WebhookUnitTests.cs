using System.Net;
using System.Net.Sockets;
using System.Text;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Tests.Unit;

public sealed class WebhookUnitTests
{
    [Fact]
    public void Signature_is_hmac_sha256_of_the_raw_body_in_lowercase_hex()
    {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        var body = Encoding.UTF8.GetBytes("what do ya want for nothing?");
        var header = WebhookSignature.Sign("Jefe", body, 1700000000123);
        Assert.Equal("t=1700000000123,v1=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", header);
        Assert.True(WebhookSignature.Verify("Jefe", body, header));
        Assert.False(WebhookSignature.Verify("Jefe", Encoding.UTF8.GetBytes("tampered"), header));
        Assert.False(WebhookSignature.Verify("Jefe", body, "t=1,v1=zz"));
    }

    [Fact]
    public void Retry_delays_start_at_5s_double_and_cap_at_an_hour()
    {
        var options = new WebhookOptions();
        Assert.Equal([5, 10, 20, 40, 80], Enumerable.Range(1, 5).Select(a => options.RetryDelay(a).TotalSeconds));
        Assert.Equal(3600, options.RetryDelay(30).TotalSeconds);
        Assert.Equal(33, options.MaxRetries);
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2001:4860:4860::8888", true)]
    public void Only_public_addresses_are_public(string address, bool expected) =>
        Assert.Equal(expected, WebhookAddressGuard.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task Production_mode_refuses_a_loopback_receiver_before_connecting()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var refusing = new HttpClient(new SocketsHttpHandler { ConnectCallback = WebhookAddressGuard.ConnectCallback(allowPrivate: false) });
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => refusing.GetAsync($"http://localhost:{port}/"));
        Assert.IsType<WebhookAddressRefusedException>(error.InnerException);
        Assert.False(listener.Pending());

        using var allowing = new HttpClient(new SocketsHttpHandler { ConnectCallback = WebhookAddressGuard.ConnectCallback(allowPrivate: true) });
        var request = allowing.GetAsync($"http://127.0.0.1:{port}/");
        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(accepted.Connected);
        // Close both the connection and the listener, so the client's retry on a fresh connection fails at once.
        listener.Stop();
        accepted.Close();
        await Assert.ThrowsAsync<HttpRequestException>(() => request.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Event_names_are_the_closed_studio_list()
    {
        Assert.True(WebhookEvents.IsKnown("stream.started"));
        Assert.True(WebhookEvents.IsKnown("task.failed"));
        Assert.False(WebhookEvents.IsKnown("stream.Started"));
        Assert.Equal(20, WebhookEvents.All.Count);
    }
}
