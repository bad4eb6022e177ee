using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StreamGateway.Core.Accounts;

namespace StreamGateway.Core.AccessControl;

/// <summary>
/// A project's key for signing viewer JWTs (studio-api §3.12). Only the public half is kept, as Studio returns it:
/// base64 of an SPKI PEM of a P-256 key. The private half is shown once, when the key is made, and never stored.
/// </summary>
public sealed class SigningKey
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public Guid ProjectId { get; set; }
    public required string Name { get; set; }
    public required string PublicKey { get; set; }
    public bool Disabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSeen { get; set; }
}

internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKey>
{
    public void Configure(EntityTypeBuilder<SigningKey> b)
    {
        b.ToTable("signing_keys");
        b.HasIndex(k => new { k.ProjectId, k.CreatedAt });
        b.HasIndex(k => k.PublicKey).IsUnique();
        b.HasOne<User>().WithMany().HasForeignKey(k => k.UserId);
        b.HasOne<Project>().WithMany().HasForeignKey(k => k.ProjectId);
    }
}
