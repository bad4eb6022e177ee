using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StreamGateway.Core.Accounts;

public sealed class User
{
    public Guid Id { get; set; }
    public required string Email { get; set; }
    public bool IsAdmin { get; set; }
    public bool Suspended { get; set; }
    public Guid? DefaultProjectId { get; set; }
    /// <summary>The dashboard password, as ASP.NET Core Identity's <c>PasswordHasher</c> stores it (PBKDF2); null: no sign-in.</summary>
    public string? PasswordHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users");
        b.HasIndex(u => u.Email).IsUnique();
    }
}
