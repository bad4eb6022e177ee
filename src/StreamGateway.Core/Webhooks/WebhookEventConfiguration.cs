using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StreamGateway.Core.Webhooks;

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> b)
    {
        b.ToTable("webhook_events");
        // Kept as text, not jsonb, so the delivered body keeps the field order it was written with.
        b.HasIndex(e => e.CreatedAt).HasFilter("\"DispatchedAt\" IS NULL");
    }
}
