using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Storage;

namespace StreamGateway.Core.Assets;

/// <summary>Where an asset's files live: its source in the store, its outputs under <c>vod/{playbackId}</c>.</summary>
public sealed class AssetStorage(ISegmentStore store, IOptions<AssetOptions> options)
{
    public string WorkDir(Guid assetId) => Path.Combine(Path.GetFullPath(options.Value.WorkDir), assetId.ToString("N"));

    /// <summary>Stores a finished upload as the asset's source (the local file is moved, not copied, where it can be).</summary>
    public Task PutSourceAsync(Guid assetId, string localPath) => store.PutFileAsync(MediaKeys.AssetInput(assetId), localPath, CancellationToken.None);

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
    }
}
