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

/// <summary>
/// The outbox: one row per event, written in the same transaction as the change that causes it, then fanned out
/// to the subscribed webhooks by <see cref="DispatchWebhookEvent"/>.
/// </summary>
public sealed class WebhookEvent
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public Guid UserId { get; set; }
    public required string Event { get; set; }
    public Guid? StreamId { get; set; }
    /// <summary>The sanitised stream (no stream key) as it was when the event happened.</summary>
    public string? Stream { get; set; }
    public string? Payload { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
}

/// <summary>One delivery attempt, as returned by <c>GET /webhook/{id}/log</c>.</summary>
public sealed class WebhookLog : IListed
{
    public Guid Id { get; set; }
    public Guid WebhookId { get; set; }
    public Guid EventId { get; set; }
    public Guid ProjectId { get; set; }
    public required string Event { get; set; }
    public int Attempt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public double Duration { get; set; }
    public bool Success { get; set; }
    public required string RequestUrl { get; set; }
    /// <summary>Request headers as a JSON object.</summary>
    public required string RequestHeaders { get; set; }
    public required string RequestBody { get; set; }
    public int? ResponseStatus { get; set; }
    public string? ResponseStatusText { get; set; }
    /// <summary>Base64 of the first 1024 characters of the response body.</summary>
    public string? ResponseBody { get; set; }
    public string? Error { get; set; }
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

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> b)
    {
        b.ToTable("webhook_events");
        // Kept as text, not jsonb, so the delivered body keeps the field order it was written with.
        b.HasIndex(e => e.CreatedAt).HasFilter("\"DispatchedAt\" IS NULL");
    }
}

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
