using System.Net;
using System.Net.Sockets;
using StreamGateway.Core.Http;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Tests.Unit;

public sealed class AddressGuardTests
{
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
        Assert.Equal(expected, AddressGuard.IsPublic(IPAddress.Parse(address)));

    // Each is a way to reach a private or special host under another name, or a range that is never a public host.
    [Theory]
    [InlineData("64:ff9b::7f00:1")] // NAT64 of 127.0.0.1
    [InlineData("64:ff9b::a9fe:a9fe")] // NAT64 of 169.254.169.254
    [InlineData("64:ff9b::808:808")] // NAT64 of a public address: refused too, the translator is on our side
    [InlineData("64:ff9b:1::a00:1")] // local-use NAT64
    [InlineData("::7f00:1")] // IPv4-compatible ::127.0.0.1
    [InlineData("::a00:1")] // IPv4-compatible ::10.0.0.1
    [InlineData("::808:808")] // IPv4-compatible ::8.8.8.8
    [InlineData("::")]
    [InlineData("::ffff:0:7f00:1")] // IPv4-translated (SIIT)
    [InlineData("2002:7f00:1::1")] // 6to4 of 127.0.0.1
    [InlineData("2002:808:808::1")] // 6to4 of a public address
    [InlineData("2001::1")] // Teredo
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")] // Teredo
    [InlineData("2001:2::1")] // benchmarking
    [InlineData("2001:db8::1")] // documentation
    [InlineData("3fff::1")] // documentation (RFC 9637)
    [InlineData("100::1")] // discard-only
    [InlineData("fec0::1")] // site-local
    [InlineData("ff02::1")] // multicast
    [InlineData("5f00::1")] // SRv6 SIDs
    [InlineData("192.0.0.1")] // IETF protocol assignments
    [InlineData("192.0.0.170")] // NAT64 discovery
    [InlineData("192.0.2.1")] // TEST-NET-1
    [InlineData("198.51.100.1")] // TEST-NET-2
    [InlineData("203.0.113.1")] // TEST-NET-3
    [InlineData("198.18.0.1")] // benchmarking
    [InlineData("198.19.255.254")] // benchmarking
    [InlineData("192.88.99.1")] // 6to4 relay anycast
    [InlineData("240.0.0.1")] // reserved
    [InlineData("255.255.255.255")]
    [InlineData("::ffff:192.0.2.1")]
    public void Special_purpose_and_translated_addresses_are_refused(string address) =>
        Assert.False(AddressGuard.IsPublic(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("1.1.1.1")]
    [InlineData("198.20.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("192.0.1.1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:200::1")]
    [InlineData("2a00:1450:4001::1")]
    public void Ordinary_public_addresses_stay_allowed(string address) =>
        Assert.True(AddressGuard.IsPublic(IPAddress.Parse(address)), address);

    [Fact]
    public async Task Production_mode_refuses_a_loopback_receiver_before_connecting()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var refusing = new HttpClient(new SocketsHttpHandler { ConnectCallback = AddressGuard.ConnectCallback(allowPrivate: false) });
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => refusing.GetAsync($"http://localhost:{port}/"));
        Assert.IsType<AddressRefusedException>(error.InnerException);
        Assert.False(listener.Pending());

        using var allowing = new HttpClient(new SocketsHttpHandler { ConnectCallback = AddressGuard.ConnectCallback(allowPrivate: true) });
        var request = allowing.GetAsync($"http://127.0.0.1:{port}/");
        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(accepted.Connected);
        // Close both the connection and the listener, so the client's retry on a fresh connection fails at once.
        listener.Stop();
        accepted.Close();
        await Assert.ThrowsAsync<HttpRequestException>(() => request.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_configured_proxy_does_not_carry_a_webhook_past_the_guard() =>
        await AssertProxyIsNotUsedAsync(WebhooksExtensions.CreateHandler(new WebhookOptions()), "deliver to");

    [Fact]
    public async Task A_configured_proxy_does_not_carry_a_url_import_past_the_guard() =>
        await AssertProxyIsNotUsedAsync(AddressGuard.CreateHandler(allowPrivate: false, "fetch from"), "fetch from");

    /// <summary>
    /// A proxy set on the handler stands for one an operator configures (HTTP_PROXY sets the same default proxy).
    /// Were the handler to use it, the guard would judge the proxy's address instead of the target's, and a public
    /// proxy would then carry the request to any private host.
    /// </summary>
    private static async Task AssertProxyIsNotUsedAsync(SocketsHttpHandler handler, string action)
    {
        using var proxy = new TcpListener(IPAddress.Loopback, 0);
        proxy.Start();
        handler.Proxy = new WebProxy(new Uri($"http://127.0.0.1:{((IPEndPoint)proxy.LocalEndpoint).Port}"));
        using var client = new HttpClient(handler);

        var error = await Assert.ThrowsAsync<HttpRequestException>(
            () => client.PostAsync("http://10.20.30.40:8080/hook", new StringContent("{}")));
        var refused = Assert.IsType<AddressRefusedException>(error.InnerException);
        Assert.StartsWith($"refused to {action} 10.20.30.40:", refused.Message);
        Assert.False(proxy.Pending());
    }
}
