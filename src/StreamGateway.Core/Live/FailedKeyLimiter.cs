using System.Net;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Live;

/// <summary>
/// Counts unknown stream keys per address (<see cref="PeerAddress"/>) in one-minute windows. An address that reaches
/// <see cref="IngestOptions.MaxFailedKeysPerMinute"/> is blocked for <see cref="IngestOptions.FailedKeyBlockSeconds"/>:
/// its connections are closed on accept and its publishes refused without a lookup, so guessing keys costs the
/// guesser time and costs us nothing. Per node, in memory: a guesser spread over nodes gets the limit on each.
/// </summary>
public sealed class FailedKeyLimiter(IOptions<IngestOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Addresses remembered at most; past it, entries whose window and block are over are dropped.</summary>
    internal const int MaxTracked = 100_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, Entry> _byAddress = [];

    /// <summary>Until when the address is refused, or null when it is not.</summary>
    public DateTimeOffset? BlockedUntil(IPAddress address)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            return _byAddress.TryGetValue(PeerAddress.Bucket(address), out var entry) && entry.BlockedUntil > now
                ? entry.BlockedUntil
                : null;
        }
    }

    /// <summary>Counts an unknown key; true when this failure blocks the address.</summary>
    public bool RecordFailure(IPAddress address)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var bucket = PeerAddress.Bucket(address);
        lock (_lock)
        {
            if (!_byAddress.TryGetValue(bucket, out var entry) || Over(entry, now))
            {
                if (_byAddress.Count >= MaxTracked && !Prune(now))
                {
                    // Full of live entries: this address goes uncounted rather than the table growing without end.
                    return false;
                }
                entry = new Entry { WindowStart = now };
                _byAddress[bucket] = entry;
            }
            entry.Failures++;
            if (entry.Failures < o.MaxFailedKeysPerMinute || entry.BlockedUntil > now)
            {
                return false;
            }
            entry.BlockedUntil = now.AddSeconds(o.FailedKeyBlockSeconds);
            return true;
        }
    }

    internal int Tracked
    {
        get
        {
            lock (_lock)
            {
                return _byAddress.Count;
            }
        }
    }

    /// <summary>The window has passed and any block has ended: the address starts again from nothing.</summary>
    private static bool Over(Entry entry, DateTimeOffset now) => now - entry.WindowStart >= Window && entry.BlockedUntil <= now;

    /// <summary>Drops the entries that are over; true when that made room.</summary>
    private bool Prune(DateTimeOffset now)
    {
        foreach (var (address, entry) in _byAddress)
        {
            if (Over(entry, now))
            {
                _byAddress.Remove(address);
            }
        }
        return _byAddress.Count < MaxTracked;
    }

    private sealed class Entry
    {
        public DateTimeOffset WindowStart { get; init; }

        public int Failures { get; set; }

        public DateTimeOffset BlockedUntil { get; set; }
    }
}
