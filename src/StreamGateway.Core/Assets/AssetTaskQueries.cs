namespace StreamGateway.Core.Assets;

public static class AssetTaskQueries
{
    /// <summary>The task that makes the asset (its upload, recording or clip), first one first.</summary>
    public static IQueryable<AssetTask> OfAsset(this IQueryable<AssetTask> tasks, Guid assetId) =>
        tasks.Where(t => t.OutputAssetId == assetId).OrderBy(t => t.CreatedAt);
}
