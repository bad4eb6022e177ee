using System.Net;
using System.Net.Sockets;

namespace StreamGateway.Core.Http;

/// <summary>
/// Refuses outgoing connections (webhook deliveries, URL imports, calls to orchestrators) to private, loopback,
/// link-local and other non-public addresses unless allowed.
/// It checks the address actually connected to (after DNS), so a name that resolves to 127.0.0.1 is caught too.
/// </summary>
public static class AddressGuard
{
    /// <summary>
    /// IPv4 ranges that are not public hosts (IANA special-purpose registry, RFC 6890 and its updates).
    /// 224.0.0.0/3 covers multicast, the reserved 240.0.0.0/4 and the broadcast address.
    /// </summary>
    private static readonly IPNetwork[] RefusedV4 = Networks(
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/3");

    /// <summary>
    /// Public IPv6 hosts live in global unicast 2000::/3; everything else (::/96 IPv4-compatible and unspecified,
    /// ::1, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, discard 100::/64, ULA, link- and site-local, multicast) is outside
    /// it. Inside it these are not hosts of their own: 2001::/23 (Teredo 2001::/32, benchmarking, ORCHID), the
    /// documentation ranges, and 6to4 2002::/16, which like Teredo and NAT64 carries an IPv4 address that a relay
    /// or translator we do not control would connect to, so the whole range is refused rather than decoded.
    /// IPv4-mapped addresses (::ffff:0:0/96) are judged as the IPv4 address they map.
    /// </summary>
    private static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");

    private static readonly IPNetwork[] RefusedV6 = Networks("2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20");

    private static IPNetwork[] Networks(params string[] cidrs) => [.. cidrs.Select(c => IPNetwork.Parse(c))];

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => !RefusedV4.Any(n => n.Contains(address)),
            AddressFamily.InterNetworkV6 => GlobalUnicast.Contains(address) && !RefusedV6.Any(n => n.Contains(address)),
            _ => false,
        };
    }

    /// <summary>
    /// A handler whose every connection, redirects included, goes through <see cref="ConnectCallback"/>. It never
    /// uses a proxy: through one (an HTTP_PROXY variable is enough) the guard would judge the proxy's address, not
    /// the target's, and the proxy would then reach any private host for us.
    /// </summary>
    /// <param name="action">What the connections are for, in the refusal: "deliver to", "fetch from".</param>
    public static SocketsHttpHandler CreateHandler(bool allowPrivate, string action) => new()
    {
        UseProxy = false,
        ConnectCallback = ConnectCallback(allowPrivate, action),
    };

    /// <summary>A connect callback for <see cref="SocketsHttpHandler"/> that enforces the rule per connection.</summary>
    /// <param name="action">What the connection is for, in the refusal: "deliver to", "fetch from".</param>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<System.IO.Stream>> ConnectCallback(bool allowPrivate,
        string action = "deliver to") =>
        async (context, ct) =>
        {
            var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
            var allowed = allowPrivate ? addresses : addresses.Where(IsPublic).ToArray();
            if (allowed.Length == 0)
            {
                throw new AddressRefusedException(
                    $"refused to {action} {context.DnsEndPoint.Host}: it resolves only to private or loopback addresses");
            }
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
