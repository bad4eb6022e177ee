using System.Net;
using System.Net.Sockets;

namespace StreamGateway.Core.Webhooks;

/// <summary>
/// Refuses webhook connections to private, loopback, link-local and other non-public addresses unless allowed.
/// It checks the address actually connected to (after DNS), so a name that resolves to 127.0.0.1 is caught too.
/// </summary>
public static class WebhookAddressGuard
{
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 10 || b[0] == 0 || b[0] >= 224 ||
                     (b[0] == 172 && b[1] >= 16 && b[1] <= 31) ||
                     (b[0] == 192 && b[1] == 168) ||
                     (b[0] == 169 && b[1] == 254) ||
                     (b[0] == 100 && b[1] >= 64 && b[1] <= 127));
        }
        var v6 = address.GetAddressBytes();
        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast ||
                 (v6[0] & 0xFE) == 0xFC);
    }

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
                throw new WebhookAddressRefusedException(
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
