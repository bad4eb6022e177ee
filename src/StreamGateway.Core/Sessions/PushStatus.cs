using System.Text.Json;
using StackExchange.Redis;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Sessions;

/// <summary>
/// Where one target of a live session stands (shown on the session, owner and admin): <c>connecting</c>,
/// <c>connected</c>, <c>retrying</c> (it refused or dropped; tried again with backoff) or <c>stopped</c>.
/// </summary>
public sealed record PushStatus(string Id, string Name, string Profile, string State, long BytesSent, string? LastError,
    long? ConnectedAt, int Attempts, long UpdatedAt);

/// <summary>The pushes' status per session, in a Redis hash any node can read (field: target id).</summary>
public sealed class PushStatuses(IConnectionMultiplexer redis)
{
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(1);

    private static RedisKey Key(Guid sessionId) => $"sg:ms:{sessionId:N}";

    public async Task SetAsync(Guid sessionId, PushStatus status)
    {
        var db = redis.GetDatabase();
        await db.HashSetAsync(Key(sessionId), status.Id, JsonSerializer.Serialize(status, GatewayJson.Options));
        await db.KeyExpireAsync(Key(sessionId), KeepFor);
    }

    public async Task<IReadOnlyList<PushStatus>> OfSessionAsync(Guid sessionId)
    {
        var fields = await redis.GetDatabase().HashValuesAsync(Key(sessionId));
        return [.. fields.Select(f => JsonSerializer.Deserialize<PushStatus>((string)f!, GatewayJson.Options)!).OrderBy(s => s.Name, StringComparer.Ordinal)];
    }
}
