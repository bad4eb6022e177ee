using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;

namespace StreamGateway.Core.Data;

/// <summary>
/// Secrets every gateway node must share (the upload-token key, the playback-grant key), each made by the first node
/// that needs it and kept in PostgreSQL, so a cache flush or a new node never leaves nodes with different secrets.
/// </summary>
public sealed class SharedSecrets(IServiceScopeFactory scopes, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, byte[]> _known = new(StringComparer.Ordinal);

    /// <summary>The 32-byte secret called <paramref name="name"/>, made now if no node has made it yet.</summary>
    public async Task<byte[]> GetAsync(string name)
    {
        if (_known.TryGetValue(name, out var secret))
        {
            return secret;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO gateway_secrets ("Name", "Value", "CreatedAt") VALUES ({name}, {RandomNumberGenerator.GetBytes(32)}, {clock.GetUtcNow()})
            ON CONFLICT ("Name") DO NOTHING
            """);
        secret = await db.Secrets.AsNoTracking().Where(s => s.Name == name).Select(s => s.Value).SingleAsync();
        return _known.GetOrAdd(name, secret);
    }
}
