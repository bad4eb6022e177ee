using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StreamGateway.Core.Webhooks;

internal sealed class WebhookLogConfiguration : IEntityTypeConfiguration<WebhookLog>
{
    public void Configure(EntityTypeBuilder<WebhookLog> b)
    {
        b.ToTable("webhook_logs");
        b.Property(l => l.RequestHeaders).HasColumnType("jsonb");
        b.HasIndex(l => new { l.WebhookId, l.CreatedAt });
        b.HasOne<Webhook>().WithMany().HasForeignKey(l => l.WebhookId);
    }
}
