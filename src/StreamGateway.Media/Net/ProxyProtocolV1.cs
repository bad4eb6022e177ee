using System.Globalization;
using System.Net;
using System.Text;

namespace StreamGateway.Media.Net;

/// <summary>
/// The text form (version 1) of the PROXY protocol that TCP load balancers (nginx's <c>proxy_protocol on</c>, HAProxy,
/// cloud balancers) put before a proxied connection's first byte, so the server behind them learns the client's
/// address: <c>PROXY TCP4 src dst srcport dstport\r\n</c>, <c>PROXY TCP6 ...</c> or <c>PROXY UNKNOWN ...\r\n</c>,
/// at most 107 bytes with its CRLF.
/// </summary>
public static class ProxyProtocolV1
{
    /// <summary>The longest header the protocol allows, CRLF included.</summary>
    public const int MaxLength = 107;

    private static ReadOnlySpan<byte> Prefix => "PROXY "u8;

    /// <summary>
    /// Parses one header line (with or without its CRLF). True with the client's end point for TCP4/TCP6, true with
    /// null for UNKNOWN (the balancer's own health check: use the socket's address); false for anything malformed.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out IPEndPoint? source)
    {
        source = null;
        if (line.EndsWith("\r\n"u8))
        {
            line = line[..^2];
        }
        if (line.Length + 2 > MaxLength || !line.StartsWith(Prefix))
        {
            return false;
        }
        foreach (var b in line)
        {
            if (b is < 0x20 or > 0x7e)
            {
                return false;
            }
        }
        var parts = Encoding.ASCII.GetString(line[Prefix.Length..]).Split(' ');
        if (parts[0] == "UNKNOWN")
        {
            return true;
        }
        if (parts.Length != 5 || parts[0] is not ("TCP4" or "TCP6"))
        {
            return false;
        }
        var family = parts[0] == "TCP4" ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (!IPAddress.TryParse(parts[1], out var address) || address.AddressFamily != family
            || !IPAddress.TryParse(parts[2], out var destination) || destination.AddressFamily != family
            || !TryPort(parts[3], out var port) || !TryPort(parts[4], out _))
        {
            return false;
        }
        source = new IPEndPoint(address, port);
        return true;
    }

    /// <summary>A decimal port 0–65535 without sign, spaces or leading zeros, as the protocol writes it.</summary>
    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port)
        && port <= 65535 && (text.Length == 1 || text[0] != '0');

    /// <summary>
    /// Reads the header from the start of <paramref name="stream"/> one byte at a time, so nothing after it is consumed.
    /// Ok is false when the peer sends something else, too much, or closes first; Source is as for <see cref="TryParse"/>.
    /// </summary>
    public static async Task<(IPEndPoint? Source, bool Ok)> ReadAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[MaxLength];
        var length = 0;
        while (length < MaxLength)
        {
            if (await stream.ReadAsync(buffer.AsMemory(length, 1), ct) == 0)
            {
                return (null, false);
            }
            length++;
            if (length <= Prefix.Length && buffer[length - 1] != Prefix[length - 1])
            {
                return (null, false);
            }
            if (length >= 2 && buffer[length - 2] == '\r' && buffer[length - 1] == '\n')
            {
                return TryParse(buffer.AsSpan(0, length), out var source) ? (source, true) : (null, false);
            }
        }
        return (null, false);
    }
}
