using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Playback;

/// <summary>
/// Whether a playback id may be served at all: a suspended stream's HLS (playlists and segments) is not. The answer is
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

    private readonly MemoryCache _blocked = new(new MemoryCacheOptions { SizeLimit = MaxEntries });
    private readonly MemoryCache _lastKnown = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    public async ValueTask<bool> IsBlockedAsync(string playbackId, CancellationToken ct)
    {
        if (_blocked.TryGetValue(playbackId, out bool blocked))
        {
            return blocked;
        }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            blocked = await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().Streams.AsNoTracking()
                .AnyAsync(s => s.PlaybackId == playbackId && s.Suspended, ct);
            _lastKnown.Set(playbackId, blocked, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = RememberFor });
        }
        catch (Exception e) when (DurableWrites.Unreachable(e) && !ct.IsCancellationRequested)
        {
            blocked = _lastKnown.TryGetValue(playbackId, out bool known) && known;
        }
        _blocked.Set(playbackId, blocked, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheFor });
        return blocked;
    }

    public void Dispose()
    {
        _blocked.Dispose();
        _lastKnown.Dispose();
    }
}
