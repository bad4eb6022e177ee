using System.Net;
using System.Net.Sockets;

namespace StreamGateway.Core.Http;

/// <summary>
/// The unit per-address limits (RTMP ingest, failed API authentication) count per: an IPv4 address, or an IPv6 /64 (one subscriber's network is usually a whole
/// /64, so counting single IPv6 addresses would give a peer 2^64 fresh identities).
/// </summary>
public static class PeerAddress
{
    public static IPAddress Bucket(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
