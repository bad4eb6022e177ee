using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace StreamGateway.Core.Storage;

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
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var target = PathFor(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(localPath, target, overwrite: true);
        Health.GatewayMetrics.StoreWriteDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
            Health.GatewayMetrics.Tag("backend", "local"));
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

    public Task<StoreWriter> OpenWriteAsync(string key, CancellationToken ct)
    {
        var target = PathFor(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        return Task.FromResult<StoreWriter>(new FileWriter(target, _root));
    }

    /// <summary>Writes beside the target and renames it into place on commit, so readers never see a partial file.</summary>
    private sealed class FileWriter(string target, string root) : StoreWriter
    {
        private readonly string _writing = $"{target}.{Guid.NewGuid():N}.writing";
        private FileStream? _file;
        private bool _committed;

        // Made at the first write (or at commit, for an empty object).
        private FileStream File => _file ??= new FileStream(_writing, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16,
            FileOptions.Asynchronous);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            await File.WriteAsync(data, ct);
            Written += data.Length;
        }

        public override async Task CommitAsync(CancellationToken ct)
        {
            await File.DisposeAsync();
            System.IO.File.Move(_writing, target, overwrite: true);
            _committed = true;
        }

        public override long? FreeBytes() => new DriveInfo(root).AvailableFreeSpace;

        public override async ValueTask DisposeAsync()
        {
            if (_file is not null)
            {
                await _file.DisposeAsync();
            }
            if (!_committed)
            {
                System.IO.File.Delete(_writing);
            }
        }
    }

    public async Task ComposeAsync(string key, IReadOnlyList<string> parts, CancellationToken ct)
    {
        var target = PathFor(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (parts.Count == 1)
        {
            File.Move(PathFor(parts[0]), target, overwrite: true);
            return;
        }
        var composing = $"{target}.{Guid.NewGuid():N}.composing";
        try
        {
            await using (var output = new FileStream(composing, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                foreach (var part in parts)
                {
                    await using var input = new FileStream(PathFor(part), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
                        FileOptions.Asynchronous | FileOptions.SequentialScan);
                    await input.CopyToAsync(output, ct);
                }
            }
            File.Move(composing, target, overwrite: true);
        }
        finally
        {
            File.Delete(composing);
        }
        foreach (var part in parts)
        {
            File.Delete(PathFor(part));
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
