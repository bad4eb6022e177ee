using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Live;

namespace StreamGateway.Core.Playback;

/// <summary>
/// Holds playlist requests for a stream until its playlists change: every playlist append publishes the playback id
/// on <see cref="LivePlaylists.Changed"/>, and this node's one subscription wakes whoever waits for it. A waiter also
/// looks again every second, so a message lost with a Redis connection delays it by at most that. At most
/// <see cref="HlsOptions.MaxHeldRequests"/> requests wait at once on a node.
/// </summary>
public sealed class PlaylistWaits(IConnectionMultiplexer redis, IOptions<HlsOptions> options)
{
    private static readonly TimeSpan LookAgain = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _changes = new(StringComparer.Ordinal);
    private Task? _subscription;
    private int _held;

    /// <summary>
    /// Renders with <paramref name="render"/> until it has the playlist, it is missing for good, or
    /// <see cref="HlsOptions.HoldSeconds"/> have passed. Returns the last rendering; one still pending means "come back".
    /// </summary>
    public async Task<LivePlaylist> HoldAsync(string playbackId, Func<Task<LivePlaylist>> render, CancellationToken ct)
    {
        var playlist = await render();
        if (!playlist.Pending || options.Value.HoldSeconds <= 0)
        {
            return playlist;
        }
        if (Interlocked.Increment(ref _held) > options.Value.MaxHeldRequests)
        {
            Interlocked.Decrement(ref _held);
            return playlist;
        }
        try
        {
            try
            {
                await SubscribeAsync();
            }
            catch (RedisException)
            {
                // Redis is away: the waiter looks again every second, and a render fails as any request would.
            }
            var until = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(options.Value.HoldSeconds);
            while (playlist.Pending && DateTimeOffset.UtcNow < until)
            {
                var change = _changes.GetOrAdd(playbackId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                var wait = until - DateTimeOffset.UtcNow;
                await Task.WhenAny(change.Task, Task.Delay(wait < LookAgain ? wait : LookAgain, ct));
                ct.ThrowIfCancellationRequested();
                playlist = await render();
            }
            return playlist;
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }
    }

    /// <summary>Subscribes on first use (a failed subscription is tried again by the next request).</summary>
    private Task SubscribeAsync()
    {
        var subscription = _subscription;
        if (subscription is null || subscription.IsFaulted)
        {
            _subscription = subscription = Subscribe();
        }
        return subscription;
    }

    private Task Subscribe() => redis.GetSubscriber().SubscribeAsync(LivePlaylists.Changed, (_, id) =>
    {
        if (!id.IsNullOrEmpty && _changes.TryRemove((string)id!, out var change))
        {
            change.TrySetResult();
        }
    });
}
