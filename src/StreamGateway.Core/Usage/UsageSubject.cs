namespace StreamGateway.Core.Usage;

/// <summary>What a piece of usage is for: its project, and the live stream or asset within it.</summary>
public readonly record struct UsageSubject(Guid ProjectId, Guid StreamId = default, Guid AssetId = default)
{
    public static UsageSubject ForStream(Guid projectId, Guid streamId) => new(projectId, StreamId: streamId);
    public static UsageSubject ForAsset(Guid projectId, Guid assetId) => new(projectId, AssetId: assetId);

    /// <summary>A transcode task's work counts as VOD under the task's id (it makes no asset).</summary>
    public static UsageSubject ForTask(Guid projectId, Guid taskId) => new(projectId, AssetId: taskId);
}
