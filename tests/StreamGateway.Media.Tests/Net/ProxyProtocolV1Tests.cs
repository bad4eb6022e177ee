using System.Net;
using System.Text;
using StreamGateway.Media.Net;

namespace StreamGateway.Media.Tests.Net;

public class ProxyProtocolV1Tests
{
    [Theory]
    // The examples of the protocol's specification (section 2.1), and what nginx's stream module sends.
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", "192.168.0.1", 56324)]
    [InlineData("PROXY TCP6 2001:db8::1 2001:db8::2 4711 1935\r\n", "2001:db8::1", 4711)]
    [InlineData("PROXY TCP4 127.0.0.1 127.0.0.1 0 1935", "127.0.0.1", 0)]
    public void Reads_the_client_address(string line, string address, int port)
    {
        Assert.True(ProxyProtocolV1.TryParse(Encoding.ASCII.GetBytes(line), out var source));
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), source);
    }

    [Fact]
    public void Unknown_means_use_the_socket_address()
    {
        Assert.True(ProxyProtocolV1.TryParse("PROXY UNKNOWN\r\n"u8, out var source));
        Assert.Null(source);
        Assert.True(ProxyProtocolV1.TryParse("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n"u8, out source));
        Assert.Null(source);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\u0003\u0000\u0000")] // an RTMP handshake's first bytes: a client that was not proxied
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 56324\r\n")]
    [InlineData("PROXY TCP4 2001:db8::1 192.168.0.11 56324 443\r\n")] // family and address disagree
    [InlineData("PROXY TCP6 192.168.0.1 192.168.0.11 56324 443\r\n")]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 65536 443\r\n")]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 -1 443\r\n")]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 0443 443\r\n")]
    [InlineData("PROXY TCP4 192.168.0.1  192.168.0.11 1 443\r\n")]
    [InlineData("PROXY UDP4 192.168.0.1 192.168.0.11 1 443\r\n")]
    [InlineData("proxy TCP4 192.168.0.1 192.168.0.11 1 443\r\n")]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 1 443\n")]
    public void Refuses_what_is_not_a_header(string line) =>
        Assert.False(ProxyProtocolV1.TryParse(Encoding.Latin1.GetBytes(line), out _));

    [Fact]
    public void Refuses_a_line_longer_than_the_protocol_allows() =>
        Assert.False(ProxyProtocolV1.TryParse(Encoding.ASCII.GetBytes("PROXY UNKNOWN " + new string('x', 100) + "\r\n"), out _));

    [Fact]
    public async Task Reading_stops_at_the_header_and_leaves_the_rest()
    {
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes("PROXY TCP4 10.0.0.7 10.0.0.1 5000 1935\r\n\u0003rest"));
        var (source, ok) = await ProxyProtocolV1.ReadAsync(stream, CancellationToken.None);
        Assert.True(ok);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.7"), 5000), source);
        Assert.Equal(3, stream.ReadByte());
    }

    [Theory]
    [InlineData("\u0003 a client that speaks RTMP at once")]
    [InlineData("PROXY TCP4 10.0.0.7 10.0.0.1 5000 1935")] // closed before the CRLF
    public async Task Reading_refuses_a_peer_without_a_header(string sent)
    {
        using var stream = new MemoryStream(Encoding.Latin1.GetBytes(sent));
        Assert.False((await ProxyProtocolV1.ReadAsync(stream, CancellationToken.None)).Ok);
    }

    [Fact]
    public async Task Reading_stops_after_the_longest_header_without_a_line_end()
    {
        var endless = Encoding.ASCII.GetBytes("PROXY " + new string('1', 4096));
        using var stream = new MemoryStream(endless);
        Assert.False((await ProxyProtocolV1.ReadAsync(stream, CancellationToken.None)).Ok);
        Assert.Equal(ProxyProtocolV1.MaxLength, stream.Position);
    }
}
