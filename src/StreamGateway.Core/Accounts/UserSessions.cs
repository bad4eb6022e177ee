using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Accounts;

public enum SignInRefusal { None, Wrong, TooManyFailures, Busy }

public sealed record SignedIn(UserSession Session, string Token);

/// <summary>
/// Dashboard sign-in: email and password checked with ASP.NET Core Identity's password hasher (PBKDF2, salted), then a
/// random bearer token whose hash is kept in <c>user_sessions</c>. The API takes the token wherever it takes an API
/// key (<see cref="ApiKeyAuthentication"/>), in the user's default project or the one named by <c>?projectId=</c>.
/// </summary>
public sealed class UserSessions : IDisposable
{
    public const string TokenPrefix = "sgs_";

    private static readonly PasswordHasher<User> Hasher = new();
    // Checked when the email matches no user, so a wrong email costs as long as a wrong password.
    private static readonly Lazy<string> Decoy = new(() => Hasher.HashPassword(null!, RandomNumberGenerator.GetHexString(32)));

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly UserOptions _options;
    private readonly SemaphoreSlim _checks;
    private readonly PartitionedRateLimiter<string> _failures;

    public UserSessions(IServiceScopeFactory scopes, TimeProvider clock, IOptions<UserOptions> options)
    {
        _scopes = scopes;
        _clock = clock;
        _options = options.Value;
        _checks = new SemaphoreSlim(_options.ConcurrentPasswordChecks);
        _failures = PartitionedRateLimiter.Create<string, string>(email => RateLimitPartition.GetFixedWindowLimiter(email, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = _options.FailedSignInsPerEmailPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public static string HashPassword(User user, string password) => Hasher.HashPassword(user, password);

    /// <summary>Checks the password and opens a session; the clear token is returned once and never stored.</summary>
    public async Task<(SignedIn? SignedIn, SignInRefusal Refusal)> SignInAsync(string email, string password, CancellationToken ct)
    {
        var account = email.Trim().ToLowerInvariant();
        using (var ask = _failures.AttemptAcquire(account, 0))
        {
            if (!ask.IsAcquired)
            {
                return (null, SignInRefusal.TooManyFailures);
            }
        }
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
#pragma warning disable CA1862 // translated to SQL: lower(email) = @account
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email.ToLower() == account, ct);
#pragma warning restore CA1862
        if (!await _checks.WaitAsync(TimeSpan.FromSeconds(2), ct))
        {
            return (null, SignInRefusal.Busy);
        }
        PasswordVerificationResult verdict;
        try
        {
            verdict = Hasher.VerifyHashedPassword(user!, user?.PasswordHash ?? Decoy.Value, password);
        }
        finally
        {
            _checks.Release();
        }
        if (user is null || user.PasswordHash is null || user.Suspended || verdict == PasswordVerificationResult.Failed)
        {
            _failures.AttemptAcquire(account, 1).Dispose();
            return (null, SignInRefusal.Wrong);
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = Hasher.HashPassword(user, password);
        }

        var now = _clock.GetUtcNow();
        var token = TokenPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var session = new UserSession
        {
            Id = Guid.CreateVersion7(),
            UserId = user.Id,
            TokenHash = SecretKeys.Hash(token),
            CreatedAt = now,
            ExpiresAt = now.AddHours(_options.SessionHours),
        };
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(ct);
        // Expired sign-ins go, and the oldest past the cap.
        var keep = await db.UserSessions.Where(s => s.UserId == user.Id && s.ExpiresAt > now).OrderByDescending(s => s.CreatedAt)
            .Take(_options.MaxSessionsPerUser).Select(s => s.Id).ToListAsync(ct);
        await db.UserSessions.Where(s => s.UserId == user.Id && !keep.Contains(s.Id)).ExecuteDeleteAsync(ct);
        return (new SignedIn(session, token), SignInRefusal.None);
    }

    /// <summary>Ends a session; true if it existed.</summary>
    public async Task<bool> SignOutAsync(Guid sessionId, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        return await db.UserSessions.Where(s => s.Id == sessionId).ExecuteDeleteAsync(ct) > 0;
    }

    /// <summary>The caller a session token stands for in <paramref name="projectId"/> (null: the user's default project).</summary>
    /// <returns>The caller, or the reason there is none.</returns>
    public async Task<(Caller? Caller, string? Error)> ResolveAsync(byte[] tokenHash, Guid? projectId, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var row = await (
            from s in db.UserSessions
            join u in db.Users on s.UserId equals u.Id
            where s.TokenHash == tokenHash
            select new { s.Id, s.ExpiresAt, u.Suspended, u.IsAdmin, UserId = u.Id, u.DefaultProjectId }).FirstOrDefaultAsync(ct);
        if (row is null || row.Suspended)
        {
            return (null, "no session matches the given token; sign in again");
        }
        if (row.ExpiresAt <= _clock.GetUtcNow())
        {
            return (null, "the session has expired; sign in again");
        }
        var project = projectId ?? row.DefaultProjectId;
        if (project is null || !await db.Projects.AnyAsync(p => p.Id == project && p.UserId == row.UserId, ct))
        {
            return (null, projectId is null ? "the user has no project yet" : $"no project {projectId} belongs to this user");
        }
        return (new Caller(row.UserId, project.Value, row.Id, "dashboard", row.IsAdmin) { Session = true }, null);
    }

    public void Dispose()
    {
        _checks.Dispose();
        _failures.Dispose();
    }
}
