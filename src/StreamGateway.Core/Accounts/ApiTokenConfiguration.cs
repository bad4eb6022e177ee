using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StreamGateway.Core.Accounts;

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.ToTable("api_tokens");
        b.HasIndex(t => t.KeyHash).IsUnique();
        b.Property(t => t.Access).HasColumnType("jsonb");
        b.HasIndex(t => new { t.UserId, t.ProjectId });
        b.HasOne<User>().WithMany().HasForeignKey(t => t.UserId);
        b.HasOne<Project>().WithMany().HasForeignKey(t => t.ProjectId);
    }
}
