using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Accounts;

/// <summary>
/// The API's rate limits, on System.Threading.RateLimiting (ASP.NET Core's rate limiter): a token bucket per API key,
/// and a fixed window of failed authentications per client address. Idle partitions are dropped by the limiters.
/// </summary>
public sealed class ApiRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _keys;
    private readonly PartitionedRateLimiter<IPAddress> _failures;

    public ApiRateLimits(IOptions<ApiLimitOptions> options)
    {
        var o = options.Value;
        _keys = PartitionedRateLimiter.Create<Guid, Guid>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = o.KeyBurst,
            TokensPerPeriod = o.KeyRequestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
        _failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = o.FailedAuthPerAddressPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Takes one request from the key's bucket.</summary>
    /// <returns>Null when the request may go on, else how long to wait.</returns>
    public TimeSpan? TakeRequest(Guid tokenId) => Take(_keys, tokenId, 1);

    /// <summary>Whether the address has failed too often this minute (asks without counting).</summary>
    /// <returns>Null when it may still try, else how long to wait.</returns>
    public TimeSpan? FailuresExhausted(IPAddress address) => Take(_failures, PeerAddress.Bucket(address), 0);

    /// <summary>Counts per <see cref="PeerAddress.Bucket"/>: an IPv6 client cannot get fresh tries from the rest of its /64.</summary>
    public void CountFailure(IPAddress address) => Take(_failures, PeerAddress.Bucket(address), 1);

    private static TimeSpan? Take<T>(PartitionedRateLimiter<T> limiter, T resource, int permits)
    {
        using var lease = limiter.AttemptAcquire(resource, permits);
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
    }

    public void Dispose()
    {
        _keys.Dispose();
        _failures.Dispose();
    }
}
