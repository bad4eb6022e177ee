using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Sessions;
using StreamGateway.Core.Streams;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Core.Data;

/// <summary>The gateway's one DbContext; each entity's mapping lives beside the entity.</summary>
public sealed class GatewayDbContext(DbContextOptions<GatewayDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<LiveStream> Streams => Set<LiveStream>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<Webhook> Webhooks => Set<Webhook>();
    public DbSet<WebhookEvent> WebhookEvents => Set<WebhookEvent>();
    public DbSet<WebhookLog> WebhookLogs => Set<WebhookLog>();
    public DbSet<Assets.Asset> Assets => Set<Assets.Asset>();
    public DbSet<Assets.AssetTask> Tasks => Set<Assets.AssetTask>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<Live.StoredSegment> SessionSegments => Set<Live.StoredSegment>();
    public DbSet<GatewaySecret> Secrets => Set<GatewaySecret>();
    public DbSet<AccessControl.SigningKey> SigningKeys => Set<AccessControl.SigningKey>();
    public DbSet<MultistreamTarget> MultistreamTargets => Set<MultistreamTarget>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GatewayDbContext).Assembly);
}
