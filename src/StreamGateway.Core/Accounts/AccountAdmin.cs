using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Accounts;

public sealed record IssuedKey(Guid UserId, Guid ProjectId, ApiToken Token, string Key);

/// <summary>Operator actions on accounts, used by the <c>admin</c> command and by tests.</summary>
public sealed class AccountAdmin(GatewayDbContext db, TimeProvider clock)
{
    /// <summary>Finds or creates the user and the named project, then issues a new API key in that project.</summary>
    public async Task<IssuedKey> BootstrapAsync(string email, string projectName, string keyName, bool admin, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == email, ct);
        if (user is null)
        {
            user = new User { Id = Guid.CreateVersion7(), Email = email, IsAdmin = admin, CreatedAt = now };
            db.Users.Add(user);
        }
        else if (admin && !user.IsAdmin)
        {
            user.IsAdmin = true;
        }

        var project = await db.Projects.FirstOrDefaultAsync(p => p.UserId == user.Id && p.Name == projectName, ct);
        if (project is null)
        {
            project = new Project { Id = Guid.CreateVersion7(), UserId = user.Id, Name = projectName, CreatedAt = now };
            db.Projects.Add(project);
        }
        user.DefaultProjectId ??= project.Id;

        var (token, key) = NewToken(user.Id, project.Id, keyName, now);
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        return new IssuedKey(user.Id, project.Id, token, key);
    }

    public const int MinPasswordLength = 8;

    /// <summary>Sets the user's dashboard password (hashed; existing sign-ins stay); returns why not, or null.</summary>
    public async Task<string?> SetPasswordAsync(string email, string password, CancellationToken ct)
    {
        if (password.Length is < MinPasswordLength or > 1024)
        {
            return $"a password must be {MinPasswordLength} to 1024 characters";
        }
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == email, ct);
        if (user is null)
        {
            return $"no user has the email {email}";
        }
        user.PasswordHash = UserSessions.HashPassword(user, password);
        await db.SaveChangesAsync(ct);
        return null;
    }

    public static (ApiToken Token, string Key) NewToken(Guid userId, Guid projectId, string name, DateTimeOffset now)
    {
        var key = SecretKeys.NewApiKey();
        var token = new ApiToken
        {
            Id = Guid.CreateVersion7(),
            UserId = userId,
            ProjectId = projectId,
            Name = name,
            KeyHash = SecretKeys.Hash(key),
            KeyPrefix = key[..8],
            CreatedAt = now,
        };
        return (token, key);
    }
}
