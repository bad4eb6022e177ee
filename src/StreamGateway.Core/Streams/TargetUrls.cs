using System.Net;
using System.Net.Sockets;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Streams;

/// <summary>What a multistream target URL may be: <c>rtmp://</c>, <c>rtmps://</c> or <c>srt://</c> with a host. Pure, but for DNS.</summary>
public static class TargetUrls
{
    public const int MaxLength = 2048;
    public static readonly string[] Schemes = ["rtmp", "rtmps", "srt"];

    /// <returns>Null for a usable URL, else what is wrong with it (without echoing it: it carries a stream key).</returns>
    public static string? Problem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return "is required";
        }
        if (url.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters";
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !Schemes.Contains(uri.Scheme) || uri.Host.Length == 0)
        {
            return "must be an srt://, rtmp:// or rtmps:// URL with a host";
        }
        return url.Any(char.IsControl) ? "must not contain control characters" : null;
    }

    /// <summary>Whether the URL's host resolves only to public addresses (a push is refused otherwise unless allowed).</summary>
    public static async Task<bool> IsPublicAsync(string url, CancellationToken ct)
    {
        var host = new Uri(url).Host;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        }
        catch (SocketException)
        {
            return true; // it does not resolve: the push fails on its own and says so
        }
        return addresses.Length > 0 && addresses.All(AddressGuard.IsPublic);
    }
}
