using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StreamGateway.Core.Assets;

internal sealed class AssetTaskConfiguration : IEntityTypeConfiguration<AssetTask>
{
    public void Configure(EntityTypeBuilder<AssetTask> b)
    {
        b.ToTable("tasks");
        b.HasIndex(t => new { t.ProjectId, t.CreatedAt, t.Id });
        b.HasIndex(t => t.OutputAssetId);
        b.Property(t => t.Params).HasColumnType("jsonb");
        b.Property(t => t.Output).HasColumnType("jsonb");
    }
}
