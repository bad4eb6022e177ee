using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Live;

namespace StreamGateway.Core.Live;

/// <summary>
/// Every segment a session stored, per rendition, whatever the live window still lists: what a recording is made
/// from (without transcoding again) and what clips are cut from. Kept in Redis as long as live playlist state.
/// Segment files are named <c>{last 12 hex of the session id}_{index}.ts</c> in every rendition.
/// </summary>
public sealed class SessionSegments(IConnectionMultiplexer redis, IOptions<HlsOptions> options)
{
    private static string Log(Guid sessionId, string rendition) => $"sg:seg:{sessionId:N}:{rendition}";
    private static string Meta(Guid sessionId) => $"sg:seg:{sessionId:N}";

    private TimeSpan Ttl => TimeSpan.FromSeconds(options.Value.StateTtlSeconds);

    public async Task AddAsync(Guid sessionId, string rendition, LoggedSegment segment)
    {
        var db = redis.GetDatabase();
        var key = Log(sessionId, rendition);
        // Sent together (one round trip's wait): this runs for every segment of every rendition.
        await Task.WhenAll(db.SortedSetAddAsync(key, JsonSerializer.Serialize(segment), segment.Index), db.KeyExpireAsync(key, Ttl));
    }

    public async Task SetLadderAsync(Guid sessionId, SessionLadder ladder)
    {
        var db = redis.GetDatabase();
        await db.StringSetAsync(Meta(sessionId), JsonSerializer.Serialize(ladder), Ttl);
    }

    public async Task<SessionLadder?> LadderAsync(Guid sessionId) =>
        await redis.GetDatabase().StringGetAsync(Meta(sessionId)) is { HasValue: true } json
            ? JsonSerializer.Deserialize<SessionLadder>((string)json!)
            : null;

    /// <summary>The rendition's segments in order, one per index (a segment settled twice counts once).</summary>
    public async Task<IReadOnlyList<LoggedSegment>> ReadAsync(Guid sessionId, string rendition) =>
        (await redis.GetDatabase().SortedSetRangeByScoreAsync(Log(sessionId, rendition)))
        .Select(v => JsonSerializer.Deserialize<LoggedSegment>((string)v!)!)
        .DistinctBy(s => s.Index)
        .ToList();
}
