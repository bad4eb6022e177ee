using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace StreamGateway.Core.Storage;

/// <summary>
/// Where media segments live. Keys are relative paths such as <c>live/{playbackId}/source/{name}.ts</c>.
/// The local directory is the one-machine default; an S3-compatible store is another implementation.
/// </summary>
public interface ISegmentStore
{
    /// <summary>Takes ownership of a finished local file (moved when possible) and stores it under <paramref name="key"/>.</summary>
    Task PutFileAsync(string key, string localPath, CancellationToken ct);

    /// <summary>The stored object, or null when there is none.</summary>
    Task<System.IO.Stream?> OpenReadAsync(string key, CancellationToken ct);

    Task DeleteAsync(string key, CancellationToken ct);

    /// <summary>Deletes every object whose key starts with <paramref name="prefix"/>/ (a folder of them).</summary>
    Task DeleteFolderAsync(string prefix, CancellationToken ct);
}

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

/// <summary>A store whose objects are files on this machine, which HTTP can send straight from disk.</summary>
public interface ILocalSegmentFiles
{
    /// <summary>The file holding <paramref name="key"/>, or null when there is none.</summary>
    string? LocalPath(string key);
}

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Root directory of the local segment store.</summary>
    [Required]
    public string LocalRoot { get; set; } = "data/media";
}

public sealed partial class LocalSegmentStore : ISegmentStore, ILocalSegmentFiles
{
    private readonly string _root;

    public LocalSegmentStore(IOptions<StorageOptions> options)
    {
        _root = Path.GetFullPath(options.Value.LocalRoot);
        Directory.CreateDirectory(_root);
    }

    public Task PutFileAsync(string key, string localPath, CancellationToken ct)
    {
        var target = PathFor(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(localPath, target, overwrite: true);
        return Task.CompletedTask;
    }

    public Task<System.IO.Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        var path = PathFor(key);
        try
        {
            System.IO.Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete,
                bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult<System.IO.Stream?>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<System.IO.Stream?>(null);
        }
    }

    public string? LocalPath(string key)
    {
        var path = PathFor(key);
        return File.Exists(path) ? path : null;
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        try
        {
            File.Delete(PathFor(key));
        }
        catch (DirectoryNotFoundException)
        {
            // nothing was ever stored under it
        }
        return Task.CompletedTask;
    }

    public Task DeleteFolderAsync(string prefix, CancellationToken ct)
    {
        var path = PathFor(prefix);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        return Task.CompletedTask;
    }

    /// <summary>Keys are made by the gateway, but are still checked so that no key can leave the root.</summary>
    private string PathFor(string key)
    {
        if (!SafeKey().IsMatch(key) || key.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException("invalid storage key", nameof(key));
        }
        return Path.Combine(_root, key);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+(/[A-Za-z0-9_.-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeKey();
}
