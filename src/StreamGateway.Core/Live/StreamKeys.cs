using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Live;

/// <summary>
/// Stream key → stream lookups for ingest, cached in Redis under a hash of the key (the key itself is never
/// stored outside PostgreSQL nor logged). Stream changes call <see cref="ForgetAsync"/>.
/// </summary>
public sealed class StreamKeys(IConnectionMultiplexer redis, IServiceScopeFactory scopes)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);

    private static string CacheKey(string streamKey) =>
        "sg:streamkey:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(streamKey)));

    public async Task<StreamKeyInfo?> FindAsync(string streamKey, CancellationToken ct)
    {
        var cache = redis.GetDatabase();
        var cached = await cache.StringGetAsync(CacheKey(streamKey));
        if (cached.HasValue)
        {
            return JsonSerializer.Deserialize<StreamKeyInfo>((string)cached!);
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var info = await db.Streams.AsNoTracking()
            .Where(s => s.StreamKey == streamKey)
            .Select(s => new StreamKeyInfo(s.Id, s.ProjectId, s.UserId, s.Name, s.PlaybackId, s.Record, s.Suspended,
                s.Deleted, s.Profiles, s.RecordingSpec, s.PlaybackPolicy))
            .FirstOrDefaultAsync(ct);
        if (info is not null)
        {
            await cache.StringSetAsync(CacheKey(streamKey), JsonSerializer.Serialize(info), CacheFor);
        }
        return info;
    }

    public Task ForgetAsync(string streamKey) => redis.GetDatabase().KeyDeleteAsync(CacheKey(streamKey));
}
