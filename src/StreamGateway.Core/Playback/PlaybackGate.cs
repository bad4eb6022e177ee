using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Playback;

/// <summary>
/// Whether a playback id may be served at all (a suspended stream's HLS, playlists and segments, is not), and whether
/// it is a stream's, whose playlists a player may ask for before the stream has anything to play. The answer is
/// kept for <see cref="CacheFor"/> in a cache of its own, bounded to <see cref="MaxEntries"/> ids, so the HLS path asks
/// the database at most once per id per period and a flood of made-up ids cannot grow memory. While the database is
/// unreachable, playback goes on: an id keeps the last answer the database gave for it (kept for
/// <see cref="RememberFor"/>), and an id never asked about is served, as its playlists exist only if it published.
/// </summary>
public sealed class PlaybackGate(IServiceScopeFactory scopes) : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(30);
    public const int MaxEntries = 100_000;

    private readonly MemoryCache _verdicts = new(new MemoryCacheOptions { SizeLimit = MaxEntries });
    private readonly MemoryCache _lastKnown = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    public async ValueTask<bool> IsBlockedAsync(string playbackId, CancellationToken ct) =>
        await VerdictAsync(playbackId, ct) == PlaybackVerdict.Blocked;

    /// <summary>Blocked, a stream that may be played (live or not), or neither (an asset, or an id nobody has).</summary>
    public async ValueTask<PlaybackVerdict> VerdictAsync(string playbackId, CancellationToken ct)
    {
        if (_verdicts.TryGetValue(playbackId, out PlaybackVerdict verdict))
        {
            return verdict;
        }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var stream = await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().Streams.AsNoTracking()
                .Where(s => s.PlaybackId == playbackId).Select(s => new { s.Suspended, s.Deleted }).FirstOrDefaultAsync(ct);
            verdict = stream is null ? PlaybackVerdict.Other
                : stream.Suspended ? PlaybackVerdict.Blocked
                : stream.Deleted ? PlaybackVerdict.Other
                : PlaybackVerdict.Stream;
            _lastKnown.Set(playbackId, verdict, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = RememberFor });
        }
        catch (Exception e) when (DurableWrites.Unreachable(e) && !ct.IsCancellationRequested)
        {
            verdict = _lastKnown.TryGetValue(playbackId, out PlaybackVerdict known) ? known : PlaybackVerdict.Other;
        }
        _verdicts.Set(playbackId, verdict, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheFor });
        return verdict;
    }

    public void Dispose()
    {
        _verdicts.Dispose();
        _lastKnown.Dispose();
    }
}

public enum PlaybackVerdict
{
    /// <summary>An asset's id, a deleted stream's, or one nobody has: served if its files exist.</summary>
    Other,
    /// <summary>A stream that may be played; before it has anything to play, players are asked to come back.</summary>
    Stream,
    /// <summary>A suspended stream: nothing is served.</summary>
    Blocked,
}
