namespace StreamGateway.Core.Storage;

public static class SegmentStoreExtensions
{
    /// <summary>Copies the stored object to a local file; false (and no file) when there is none.</summary>
    public static async Task<bool> DownloadAsync(this ISegmentStore store, string key, string path, CancellationToken ct)
    {
        await using var stored = await store.OpenReadAsync(key, ct);
        if (stored is null)
        {
            return false;
        }
        await using var file = File.Create(path);
        await stored.CopyToAsync(file, ct);
        return true;
    }
}
