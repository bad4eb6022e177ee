using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StreamGateway.Core.Webhooks;

/// <summary>
/// One event owed to one webhook, from its fan-out until it succeeded or was given up: the durable half of a
/// delivery, whose jobs live in Redis. <see cref="WebhookOutboxSweep"/> sends again what is overdue, so a Redis that
/// forgot its jobs loses no delivery.
/// </summary>
public sealed class WebhookDelivery
{
    public Guid EventId { get; set; }
    public Guid WebhookId { get; set; }
    public Guid ProjectId { get; set; }
    /// <summary>The attempt to make next.</summary>
    public int Attempt { get; set; }
    /// <summary>When that attempt should start.</summary>
    public DateTimeOffset DueAt { get; set; }
    /// <summary>A node is sending the attempt until then; nobody else may.</summary>
    public DateTimeOffset? LeasedUntil { get; set; }
    /// <summary>Delivered, refused for good, out of retries, or its webhook deleted.</summary>
    public DateTimeOffset? FinishedAt { get; set; }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries");
        b.HasKey(d => new { d.EventId, d.WebhookId });
        b.HasIndex(d => d.DueAt).HasFilter("\"FinishedAt\" IS NULL");
    }
}
