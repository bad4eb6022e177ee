using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.Tokens;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.AccessControl;

/// <summary>A project's signing key, ready to verify with.</summary>
public sealed record ProjectSigningKey(Guid Id, string PublicKey, bool Disabled, ECDsaSecurityKey Key);

/// <summary>
/// Each project's signing keys, read from PostgreSQL at most once per <see cref="CacheFor"/> per project, so a key
/// disabled or deleted on any node stops letting viewers in everywhere within seconds. Bounded to
/// <see cref="MaxProjects"/> projects. While the database is away, a project keeps the last keys read for it.
/// </summary>
public sealed class SigningKeys(IServiceScopeFactory scopes) : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);
    /// <summary>How long a project's keys are remembered for a database outage (as the playback gate remembers ids).</summary>
    public static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(30);
    public const int MaxProjects = 100_000;

    private readonly MemoryCache _projects = new(new MemoryCacheOptions { SizeLimit = MaxProjects });
    private readonly MemoryCache _lastKnown = new(new MemoryCacheOptions { SizeLimit = MaxProjects });

    public async ValueTask<IReadOnlyList<ProjectSigningKey>> OfProjectAsync(Guid projectId, CancellationToken ct)
    {
        if (_projects.TryGetValue(projectId, out IReadOnlyList<ProjectSigningKey>? keys))
        {
            return keys!;
        }
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var rows = await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().SigningKeys.AsNoTracking()
                .Where(k => k.ProjectId == projectId).Select(k => new { k.Id, k.PublicKey, k.Disabled }).ToListAsync(ct);
            keys = [.. rows.Select(r => Parse(r.Id, r.PublicKey, r.Disabled)).OfType<ProjectSigningKey>()];
            _lastKnown.Set(projectId, keys, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = RememberFor });
        }
        catch (Exception e) when (DurableWrites.Unreachable(e) && !ct.IsCancellationRequested && _lastKnown.TryGetValue(projectId, out keys))
        {
            // Viewers already let in keep watching through a database outage, as with the playback gate.
        }
        _projects.Set(projectId, keys!, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheFor });
        return keys!;
    }

    /// <summary>Drops this node's copy of a project's keys after a change made here.</summary>
    public void Forget(Guid projectId) => _projects.Remove(projectId);

    /// <summary>The key in Studio's form (base64 of an SPKI PEM), or null if it is not a P-256 public key.</summary>
    public static ProjectSigningKey? Parse(Guid id, string publicKey, bool disabled)
    {
        try
        {
            var pem = Encoding.ASCII.GetString(Convert.FromBase64String(publicKey));
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(pem);
            if (ecdsa.KeySize != 256)
            {
                ecdsa.Dispose();
                return null;
            }
            return new ProjectSigningKey(id, publicKey, disabled, new ECDsaSecurityKey(ecdsa) { KeyId = id.ToString() });
        }
        catch (Exception e) when (e is FormatException or CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _projects.Dispose();
        _lastKnown.Dispose();
    }
}
