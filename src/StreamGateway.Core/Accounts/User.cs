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
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class Project
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An API key. Only a SHA-256 hash of the key is kept; the clear key is shown once at creation.</summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public Guid ProjectId { get; set; }
    public required string Name { get; set; }
    public required byte[] KeyHash { get; set; }
    /// <summary>First characters of the key, so a user can tell keys apart in a list.</summary>
    public required string KeyPrefix { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSeen { get; set; }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users");
        b.HasIndex(u => u.Email).IsUnique();
    }
}

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> b)
    {
        b.ToTable("projects");
        b.HasIndex(p => new { p.UserId, p.Name }).IsUnique();
        b.HasOne<User>().WithMany().HasForeignKey(p => p.UserId);
    }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.ToTable("api_tokens");
        b.HasIndex(t => t.KeyHash).IsUnique();
        b.HasIndex(t => new { t.UserId, t.ProjectId });
        b.HasOne<User>().WithMany().HasForeignKey(t => t.UserId);
        b.HasOne<Project>().WithMany().HasForeignKey(t => t.ProjectId);
    }
}
