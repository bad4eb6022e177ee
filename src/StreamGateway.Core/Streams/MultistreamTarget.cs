using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Streams;

/// <summary>
/// A place a project restreams to (studio-api §2.7, §3.5): an RTMP, RTMPS or SRT URL, usually with the platform's
/// stream key in it, so <see cref="Url"/> is write-only: no answer ever carries it.
/// </summary>
public sealed class MultistreamTarget : IListed
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public Guid UserId { get; set; }
    public required string Name { get; set; }
    public required string Url { get; set; }
    public bool Disabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class MultistreamTargetConfiguration : IEntityTypeConfiguration<MultistreamTarget>
{
    public void Configure(EntityTypeBuilder<MultistreamTarget> b)
    {
        b.ToTable("multistream_targets");
        b.HasIndex(t => new { t.ProjectId, t.CreatedAt, t.Id });
        b.HasOne<User>().WithMany().HasForeignKey(t => t.UserId);
        b.HasOne<Project>().WithMany().HasForeignKey(t => t.ProjectId);
    }
}

/// <summary>studio-api §3.5: what a target is, without its URL.</summary>
public sealed record MultistreamTargetResource(string Id, string Name, string UserId, bool Disabled, long CreatedAt)
{
    public static MultistreamTargetResource From(MultistreamTarget t) =>
        new(t.Id.ToString(), t.Name, t.UserId.ToString(), t.Disabled, Epoch.Ms(t.CreatedAt));
}
