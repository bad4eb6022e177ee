using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Accounts;

/// <summary>
/// Resolves <c>Authorization: Bearer &lt;key&gt;</c> to a <see cref="Caller"/> (studio-api §1.5). Lookups are
/// cached in memory for <see cref="CacheFor"/>, so a deleted key stops working on every node within that time; keys
/// that match nothing are remembered as long in a cache of their own, bounded by
/// <see cref="ApiLimitOptions.UnknownKeyCacheEntries"/>, so a flood of made-up keys cannot grow memory.
/// </summary>
public sealed class ApiKeyAuthentication(IMemoryCache cache, IServiceScopeFactory scopes, TimeProvider clock, IOptions<ApiLimitOptions> limits,
    UserSessions sessions) : IDisposable
{
    private readonly MemoryCache _unknown = new(new MemoryCacheOptions { SizeLimit = limits.Value.UnknownKeyCacheEntries });

    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    /// <param name="lookUp">False answers from the caches only (for an address that failed too often).</param>
    public async Task<(Caller? Caller, string? Error)> AuthenticateAsync(HttpContext context, bool lookUp = true)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return (null, "request is not authenticated");
        }
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return (null, "unsupported authorization header scheme");
        }
        var key = header[scheme.Length..].Trim();
        if (key.Length == 0)
        {
            return (null, "request is not authenticated");
        }

        var hash = SecretKeys.Hash(key);
        if (key.StartsWith(UserSessions.TokenPrefix, StringComparison.Ordinal))
        {
            return await SessionAsync(context, hash, lookUp);
        }
        var cacheKey = "apikey:" + Convert.ToHexString(hash);
        if (!cache.TryGetValue(cacheKey, out Caller? caller) && lookUp && !_unknown.TryGetValue(cacheKey, out _))
        {
            caller = await LookUpAsync(hash, context.RequestAborted);
            if (caller is null)
            {
                _unknown.Set(cacheKey, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheFor });
            }
            else
            {
                cache.Set(cacheKey, caller, CacheFor);
            }
        }
        // The key itself is never echoed back: error messages and logs must not carry secrets.
        return caller is null ? (null, "no API key matches the given token") : (caller, null);
    }

    /// <summary>A dashboard session token (<see cref="UserSessions"/>): its user, in the project named by <c>?projectId=</c> or
    /// the user's default one. Cached per token and project like keys, refusals included.</summary>
    private async Task<(Caller? Caller, string? Error)> SessionAsync(HttpContext context, byte[] hash, bool lookUp)
    {
        var query = context.Request.Query["projectId"].ToString();
        Guid? project = null;
        if (query.Length > 0)
        {
            if (!Guid.TryParse(query, out var id))
            {
                return (null, "projectId is not a project id");
            }
            project = id;
        }
        var cacheKey = $"session:{Convert.ToHexString(hash)}:{project}";
        if (cache.TryGetValue(cacheKey, out Caller? caller))
        {
            return cache.TryGetValue("signed-out:" + caller!.TokenId, out _) ? (null, "the session was signed out") : (caller, null);
        }
        if (_unknown.TryGetValue(cacheKey, out string? refused) || !lookUp)
        {
            return (null, refused ?? "no session matches the given token; sign in again");
        }
        (caller, var error) = await sessions.ResolveAsync(hash, project, context.RequestAborted);
        if (caller is null)
        {
            _unknown.Set(cacheKey, error, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheFor });
            return (null, error);
        }
        cache.Set(cacheKey, caller, CacheFor);
        return (caller, null);
    }

    public void Forget(byte[] keyHash) => cache.Remove("apikey:" + Convert.ToHexString(keyHash));

    /// <summary>Forgets a signed-out session on this node, in every project (other nodes drop it within <see cref="CacheFor"/>).</summary>
    public void ForgetSession(Guid sessionId) => cache.Set("signed-out:" + sessionId, true, CacheFor);

    public void Dispose() => _unknown.Dispose();

    private async Task<Caller?> LookUpAsync(byte[] hash, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var row = await (
            from t in db.ApiTokens
            join u in db.Users on t.UserId equals u.Id
            where t.KeyHash == hash && !u.Suspended
            select new { t.Id, t.UserId, t.ProjectId, t.Name, u.IsAdmin, t.LastSeen, t.Access }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (row.LastSeen is null || now - row.LastSeen > LastSeenResolution)
        {
            await db.ApiTokens.Where(t => t.Id == row.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastSeen, now), ct);
        }
        var cors = row.Access is null ? null : System.Text.Json.JsonSerializer.Deserialize<ApiKeyAccess>(row.Access, GatewayJson.Options)?.Cors;
        return new Caller(row.UserId, row.ProjectId, row.Id, row.Name, row.IsAdmin, cors);
    }
}
