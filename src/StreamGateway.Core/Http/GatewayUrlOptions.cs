using Microsoft.AspNetCore.Http;

namespace StreamGateway.Core.Http;

/// <summary>Section <c>Gateway</c>: how the gateway names itself in the URLs it hands out.</summary>
public sealed class GatewayUrlOptions
{
    public const string Section = "Gateway";

    /// <summary>
    /// Public base URL of this gateway (e.g. https://video.example.com). Required in production; elsewhere, unset takes
    /// it from each request's Host header.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// Addresses of the reverse proxies or load balancers in front of this node. A request from one of them has its
    /// client address and scheme taken from <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c>, so per-address limits,
    /// playback webhooks and logs see the viewer, not the balancer. Empty (the default) trusts no such header.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    public string BaseFor(HttpRequest request) =>
        (PublicBaseUrl ?? $"{request.Scheme}://{request.Host}{request.PathBase}").TrimEnd('/');
}
