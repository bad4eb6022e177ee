using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StreamGateway.Core.Data;

/// <summary>A secret every gateway node must share (e.g. the upload-token key), made once by whichever node needs it first.</summary>
public sealed class GatewaySecret
{
    public required string Name { get; set; }
    public required byte[] Value { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class GatewaySecretConfiguration : IEntityTypeConfiguration<GatewaySecret>
{
    public void Configure(EntityTypeBuilder<GatewaySecret> b)
    {
        b.ToTable("gateway_secrets");
        b.HasKey(s => s.Name);
    }
}
