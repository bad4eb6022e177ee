using StreamGateway.Core.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StreamGateway.Core.Webhooks;

public sealed class Webhook : IListed
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public required string Url { get; set; }
    public required string[] Events { get; set; }
    public string? SharedSecret { get; set; }
    public Guid? StreamId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public bool Deleted { get; set; }
    public DateTimeOffset? LastTriggeredAt { get; set; }
    /// <summary>The last failed attempt as <c>{timestamp, error?, response?, statusCode?}</c> JSON.</summary>
    public string? LastFailure { get; set; }
}

internal sealed class WebhookConfiguration : IEntityTypeConfiguration<Webhook>
{
    public void Configure(EntityTypeBuilder<Webhook> b)
    {
        b.ToTable("webhooks");
        b.HasIndex(w => new { w.ProjectId, w.CreatedAt, w.Id });
        b.Property(w => w.Name).HasMaxLength(500);
        b.Property(w => w.LastFailure).HasColumnType("jsonb");
    }
}
