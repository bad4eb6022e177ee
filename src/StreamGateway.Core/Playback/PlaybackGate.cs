using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using System.Text.Json;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Streams;

namespace StreamGateway.Core.Playback;

/// <summary>
/// Whether a playback id may be served at all (a suspended or deleted stream's or a deleted asset's is not), to whom
/// (its project's playback policy, enforced by <see cref="PlaybackAccess"/>), and whether
/// it is a stream's, whose playlists a player may ask for before the stream has anything to play. The answer is
/// kept for <see cref="CacheFor"/> in a cache of its own, bounded to <see cref="MaxEntries"/> ids, so the HLS path asks
/// the database at most once per id per period and a flood of made-up ids cannot grow memory. While the database is
/// unreachable, playback goes on: an id keeps the last answer the database gave for it (kept for
/// <see cref="RememberFor"/>); an id this node never asked about is judged by what its publish kept beside its
/// playlists in Redis (project and policy), and is otherwise <see cref="PlaybackVerdict.Unchecked"/>, as it may be gated.
/// </summary>
public sealed class PlaybackGate(IServiceScopeFactory scopes, Live.LivePlaylists playlists) : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(30);
    public const int MaxEntries = 100_000;

    private readonly MemoryCache _verdicts = new(new MemoryCacheOptions { SizeLimit = MaxEntries });
    private readonly MemoryCache _lastKnown = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    public async ValueTask<bool> IsBlockedAsync(string playbackId, CancellationToken ct) =>
        (await TargetAsync(playbackId, ct)).Verdict == PlaybackVerdict.Blocked;

    /// <summary>Blocked, a stream that may be played (live or not), or neither (an asset, or an id nobody has).</summary>
    public async ValueTask<PlaybackVerdict> VerdictAsync(string playbackId, CancellationToken ct) =>
        (await TargetAsync(playbackId, ct)).Verdict;

    /// <summary>The verdict with the content's project and playback policy, which say who may watch it.</summary>
    public async ValueTask<PlaybackTarget> TargetAsync(string playbackId, CancellationToken ct)
    {
        if (_verdicts.TryGetValue(playbackId, out PlaybackTarget? target))
        {
            return target!;
        }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
            var stream = await db.Streams.AsNoTracking().Where(s => s.PlaybackId == playbackId)
                .Select(s => new { s.ProjectId, s.Suspended, s.Deleted, s.PlaybackPolicy }).FirstOrDefaultAsync(ct);
            if (stream is not null)
            {
                target = new PlaybackTarget(stream.Suspended || stream.Deleted ? PlaybackVerdict.Blocked : PlaybackVerdict.Stream,
                    stream.ProjectId, Policy(stream.PlaybackPolicy));
            }
            else
            {
                var asset = await db.Assets.AsNoTracking().Where(a => a.PlaybackId == playbackId)
                    .Select(a => new { a.ProjectId, a.DeletedAt, a.PlaybackPolicy }).FirstOrDefaultAsync(ct);
                target = asset is null ? PlaybackTarget.Unknown
                    : new PlaybackTarget(asset.DeletedAt is null ? PlaybackVerdict.Other : PlaybackVerdict.Blocked, asset.ProjectId, Policy(asset.PlaybackPolicy));
            }
            _lastKnown.Set(playbackId, target, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = RememberFor });
        }
        catch (Exception e) when (DurableWrites.Unreachable(e) && !ct.IsCancellationRequested)
        {
            target = _lastKnown.TryGetValue(playbackId, out PlaybackTarget? known) ? known! : await PublishedAsync(playbackId);
        }
        _verdicts.Set(playbackId, target, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheFor });
        return target;
    }

    /// <summary>A stream that published since its state was kept in Redis, as its publish recorded it; else unchecked.</summary>
    private async Task<PlaybackTarget> PublishedAsync(string playbackId)
    {
        try
        {
            return await playlists.PublishedAccessAsync(playbackId) is var (project, policy)
                ? new PlaybackTarget(PlaybackVerdict.Stream, project, Policy(policy.Length == 0 ? null : policy))
                : PlaybackTarget.Unchecked;
        }
        catch (StackExchange.Redis.RedisException)
        {
            return PlaybackTarget.Unchecked;
        }
    }

    /// <summary>A stored policy that restricts viewers; null for public content that any origin may play.</summary>
    private static PlaybackPolicy? Policy(string? json)
    {
        if (json is null)
        {
            return null;
        }
        var policy = JsonSerializer.Deserialize<PlaybackPolicy>(json, GatewayJson.Options);
        return policy is null || (policy.Type is null or "public" && policy.AllowedOrigins is not { Count: > 0 }) ? null : policy;
    }

    public void Dispose()
    {
        _verdicts.Dispose();
        _lastKnown.Dispose();
    }
}

/// <summary>What the HLS path needs to know about a playback id: may it be served, whose is it, who may watch it.</summary>
/// <param name="Policy">Null for public content without an origin list.</param>
public sealed record PlaybackTarget(PlaybackVerdict Verdict, Guid ProjectId, PlaybackPolicy? Policy)
{
    /// <summary>An id nobody has: served if its files exist, which they do not.</summary>
    public static readonly PlaybackTarget Unknown = new(PlaybackVerdict.Other, Guid.Empty, null);

    /// <summary>An id this node has not seen, asked about while the database is away: who may watch it is not known.</summary>
    public static readonly PlaybackTarget Unchecked = new(PlaybackVerdict.Unchecked, Guid.Empty, null);
}

public enum PlaybackVerdict
{
    /// <summary>An asset's id, or one nobody has: served if its files exist.</summary>
    Other,
    /// <summary>A stream that may be played; before it has anything to play, players are asked to come back.</summary>
    Stream,
    /// <summary>A suspended or deleted stream, or a deleted asset: nothing is served.</summary>
    Blocked,
    /// <summary>Not known while the database is away: players are asked to come back (it may be gated).</summary>
    Unchecked,
}
