using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Core.Accounts;

/// <summary>Section <c>Api</c>: how much one API key, and one address that fails to authenticate, may ask of the API.</summary>
public sealed class ApiLimitOptions
{
    public const string Section = "Api";

    /// <summary>Requests one API key may make per second, sustained; more answer 429 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int KeyRequestsPerSecond { get; set; } = 50;

    /// <summary>Requests one API key may make at once above the sustained rate.</summary>
    [Range(1, 1_000_000)]
    public int KeyBurst { get; set; } = 200;

    /// <summary>
    /// Failed authentications (no key, or a key that matches nothing) one client address may make per minute. Past
    /// that, the address gets 429 for the rest of the minute, unless it presents a key this node recently accepted.
    /// </summary>
    [Range(1, 1_000_000)]
    public int FailedAuthPerAddressPerMinute { get; set; } = 30;

    /// <summary>Most unknown keys remembered (so that repeating one costs no database lookup); the oldest are dropped.</summary>
    [Range(1, 10_000_000)]
    public int UnknownKeyCacheEntries { get; set; } = 10_000;
}
