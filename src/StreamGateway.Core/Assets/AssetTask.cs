using StreamGateway.Core.Http;

namespace StreamGateway.Core.Assets;

/// <summary>A unit of asset work (studio-api §3.11): an upload's or a recording's processing (<c>upload</c>), a clip (<c>clip</c>),
/// or a file transcoded into the caller's bucket (<c>transcode-file</c>).</summary>
public sealed class AssetTask : IListed
{
    public Guid Id { get; set; }
    public Guid ProjectId { get; set; }
    public Guid UserId { get; set; }
    public required string Type { get; set; }
    public Guid? InputAssetId { get; set; }
    public Guid? OutputAssetId { get; set; }
    /// <summary>params as JSON.</summary>
    public string? Params { get; set; }
    /// <summary>pending, waiting, running, failed, completed or cancelled.</summary>
    public required string Phase { get; set; }
    public double? Progress { get; set; }
    public string? ErrorMessage { get; set; }
    public int Retries { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>output as JSON.</summary>
    public string? Output { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ScheduledAt { get; set; }
    /// <summary>
    /// Credentials the task needs while it runs (a transcode's buckets), sealed by <see cref="TaskCredentials"/>; never
    /// in params, output, events or logs, and cleared when the task ends.
    /// </summary>
    public byte[]? SealedCredentials { get; set; }
}
