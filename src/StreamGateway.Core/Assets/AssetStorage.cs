using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Storage;

namespace StreamGateway.Core.Assets;

/// <summary>Where an asset's files live: its source in the store, its outputs under <c>vod/{playbackId}</c>.</summary>
public sealed class AssetStorage(ISegmentStore store, IOptions<AssetOptions> options)
{
    /// <summary>Where an asset's upload arrives (and is kept until it is complete).</summary>
    public string WorkDir(Guid assetId) => Path.Combine(Path.GetFullPath(options.Value.WorkDir), assetId.ToString("N"));

    /// <summary>Removes the asset's upload folder once nothing is left in it (a finished upload's file has moved to the store).</summary>
    public void RemoveEmptyWorkDir(Guid assetId)
    {
        try
        {
            Directory.Delete(WorkDir(assetId));
        }
        catch (IOException)
        {
            // not there, or a file in it still belongs to someone
        }
    }

    /// <summary>
    /// A new scratch folder for one run of a job on the asset (processing it, cutting a clip), removed when the run
    /// is disposed. Every run has its own: a job queued again while an earlier one still works (a lapsed lease, a
    /// watchdog restart) neither reads the other's files nor deletes them when it ends.
    /// </summary>
    public AssetRunDir NewRunDir(Guid assetId, string job) =>
        new(Path.Combine(RunsDir(), $"{assetId:N}-{job}-{Guid.NewGuid():N}"));

    private string RunsDir() => Path.Combine(Path.GetFullPath(options.Value.WorkDir), "runs");

    /// <summary>Stores a finished upload as the asset's source (the local file is moved, not copied, where it can be).</summary>
    public Task PutSourceAsync(Guid assetId, string localPath) => store.PutFileAsync(MediaKeys.AssetInput(assetId), localPath, CancellationToken.None);

    /// <summary>Writes an upload's body straight into the store as the asset's source.</summary>
    public Task<StoreWriter> OpenSourceWriterAsync(Guid assetId, CancellationToken ct) => store.OpenWriteAsync(MediaKeys.AssetInput(assetId), ct);

    /// <summary>Writes what a resumable upload's request brings straight into the store, as the piece starting at <paramref name="offset"/>.</summary>
    public Task<StoreWriter> OpenUploadPieceWriterAsync(Guid assetId, long offset, CancellationToken ct) =>
        store.OpenWriteAsync(MediaKeys.UploadPiece(assetId, offset), ct);

    public Task DeleteSourceAsync(Guid assetId) => store.DeleteAsync(MediaKeys.AssetInput(assetId), CancellationToken.None);

    /// <summary>The upload's pieces, in order, become its source.</summary>
    public Task ComposeSourceAsync(Guid assetId, IReadOnlyList<long> offsets) =>
        store.ComposeAsync(MediaKeys.AssetInput(assetId), [.. offsets.Select(o => MediaKeys.UploadPiece(assetId, o))], CancellationToken.None);

    /// <summary>Forgets a resumable upload's pieces (a new upload of the asset, a termination, an abandoned upload).</summary>
    public Task DeleteUploadPiecesAsync(Guid assetId) => store.DeleteFolderAsync(MediaKeys.UploadPieces(assetId), CancellationToken.None);

    public async Task DeleteAllAsync(Asset asset)
    {
        await store.DeleteAsync(MediaKeys.AssetInput(asset.Id), CancellationToken.None);
        await store.DeleteFolderAsync(MediaKeys.AssetFolder(asset.Id), CancellationToken.None);
        await store.DeleteFolderAsync(MediaKeys.Vod(asset.PlaybackId), CancellationToken.None);
        var work = WorkDir(asset.Id);
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }
        // What runs of a node that died left behind (a living run removes its own).
        var runs = RunsDir();
        if (Directory.Exists(runs))
        {
            foreach (var run in Directory.EnumerateDirectories(runs, $"{asset.Id:N}-*"))
            {
                Directory.Delete(run, recursive: true);
            }
        }
    }
}
