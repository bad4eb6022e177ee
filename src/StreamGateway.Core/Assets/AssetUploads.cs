using Hangfire;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Assets;

/// <summary>The end of any upload: the file becomes the asset's source and its processing is queued (once).</summary>
public sealed class AssetUploads(GatewayDbContext db, AssetStorage storage, AssetEvents events, IBackgroundJobClient jobs, TimeProvider clock)
{
    /// <summary>The source is already in the store (written there as it arrived); a lost race deletes it.</summary>
    public Task<bool> CompleteStoredAsync(Guid assetId, long size, CancellationToken ct) =>
        CompleteAsync(assetId, size, () => Task.CompletedTask, () => storage.DeleteSourceAsync(assetId), ct);

    /// <summary>The pieces a resumable upload left in the store become the source, inside the store.</summary>
    public Task<bool> CompletePiecesAsync(Guid assetId, IReadOnlyList<long> offsets, long size, CancellationToken ct) =>
        CompleteAsync(assetId, size, () => storage.ComposeSourceAsync(assetId, offsets), () => Task.CompletedTask, ct);

    private async Task<bool> CompleteAsync(Guid assetId, long size, Func<Task> storeSource, Func<Task> discard, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // One conditional update decides which upload wins, so two racing uploads never both queue processing.
        var won = await db.Assets.Where(a => a.Id == assetId && a.Phase == AssetPhase.Uploading && a.DeletedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Phase, AssetPhase.Waiting).SetProperty(a => a.Size, size)
                .SetProperty(a => a.UpdatedAt, now), ct);
        if (won == 0)
        {
            await discard();
            return false;
        }
        await storeSource();
        var asset = await db.Assets.FirstAsync(a => a.Id == assetId, ct);
        var task = await db.Tasks.FirstOrDefaultAsync(t => t.OutputAssetId == assetId && t.Type == "upload", ct);
        await events.CommitAsync(db, asset, "asset.updated", task, "task.updated", t =>
        {
            t.Phase = "waiting";
            t.ScheduledAt = now;
        }, now, ct);
        jobs.Enqueue<ProcessAsset>(job => job.RunAsync(assetId, CancellationToken.None));
        return true;
    }
}
