using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StreamGateway.Core.Accounts;

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> b)
    {
        b.ToTable("projects");
        b.HasIndex(p => new { p.UserId, p.Name }).IsUnique();
        b.HasOne<User>().WithMany().HasForeignKey(p => p.UserId);
    }
}
