using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Storage;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// What every segment store must do, tried on the local directory and on the S3-protocol server `./dev test` starts
/// (s3rver): put (the local file is taken), read back byte for byte, a missing key reads as null, delete, delete a
/// folder (more than one list page's worth), and a file large enough to go up in parts.
/// </summary>
public sealed class StorageContractTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("sg-storage-");
    private readonly string _prefix = $"contract-{Guid.NewGuid():N}";

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<string> Backends => ["local", "s3"];

    private ISegmentStore Store(string backend, int maxOpenWriters = 64)
    {
        var options = new StorageOptions { LocalRoot = Path.Combine(_dir.FullName, "media"), Backend = backend };
        if (backend == "s3")
        {
            options.S3 = new S3StorageOptions
            {
                ServiceUrl = Environment.GetEnvironmentVariable("SG_S3_URL") ?? throw new InvalidOperationException("SG_S3_URL is not set: run `./dev test`"),
                Bucket = Environment.GetEnvironmentVariable("SG_S3_BUCKET") ?? "streamgateway",
                AccessKey = "S3RVER",
                SecretKey = "S3RVER",
                MultipartFromBytes = 5 * 1024 * 1024,
                MaxOpenWriters = maxOpenWriters,
            };
            return new S3SegmentStore(Options.Create(options));
        }
        return new LocalSegmentStore(Options.Create(options));
    }

    private string File(int bytes, out byte[] content)
    {
        content = RandomNumberGenerator.GetBytes(bytes);
        var path = Path.Combine(_dir.FullName, Guid.NewGuid().ToString("N"));
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    private static async Task<byte[]?> ReadAsync(ISegmentStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key, CancellationToken.None);
        if (stream is null)
        {
            return null;
        }
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_store_keeps_reads_and_deletes_files_and_folders(string backend)
    {
        var store = Store(backend);
        var path = File(300_000, out var content);
        await store.PutFileAsync($"{_prefix}/a/one.ts", path, CancellationToken.None);
        Assert.False(System.IO.File.Exists(path), "the store takes the local file");
        Assert.Equal(content, await ReadAsync(store, $"{_prefix}/a/one.ts"));
        Assert.Null(await ReadAsync(store, $"{_prefix}/a/none.ts"));

        // Replacing a key replaces its bytes.
        await store.PutFileAsync($"{_prefix}/a/one.ts", File(10, out var replaced), CancellationToken.None);
        Assert.Equal(replaced, await ReadAsync(store, $"{_prefix}/a/one.ts"));

        await store.DeleteAsync($"{_prefix}/a/one.ts", CancellationToken.None);
        Assert.Null(await ReadAsync(store, $"{_prefix}/a/one.ts"));
        await store.DeleteAsync($"{_prefix}/a/never.ts", CancellationToken.None); // deleting nothing is fine

        for (var i = 0; i < 1005; i++)
        {
            await store.PutFileAsync($"{_prefix}/folder/{i}.ts", File(8, out _), CancellationToken.None);
        }
        await store.PutFileAsync($"{_prefix}/folder-next/kept.ts", File(8, out var kept), CancellationToken.None);
        await store.DeleteFolderAsync($"{_prefix}/folder", CancellationToken.None);
        Assert.Null(await ReadAsync(store, $"{_prefix}/folder/0.ts"));
        Assert.Null(await ReadAsync(store, $"{_prefix}/folder/1004.ts"));
        Assert.Equal(kept, await ReadAsync(store, $"{_prefix}/folder-next/kept.ts"));
        (store as IDisposable)?.Dispose();
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_large_file_goes_up_in_parts_and_comes_back_whole(string backend)
    {
        var store = Store(backend);
        var path = File(12 * 1024 * 1024 + 12345, out var content);
        await store.PutFileAsync($"{_prefix}/large.mp4", path, CancellationToken.None);
        Assert.Equal(content, await ReadAsync(store, $"{_prefix}/large.mp4"));
        (store as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task An_object_store_reads_from_any_offset_without_a_local_copy()
    {
        var store = Store("s3");
        var ranged = Assert.IsAssignableFrom<IRangedSegmentStore>(store);
        await store.PutFileAsync($"{_prefix}/seek.mp4", File(1_000_000, out var content), CancellationToken.None);
        Assert.Null(await ranged.OpenRangedAsync($"{_prefix}/none.mp4", CancellationToken.None));

        var stored = await ranged.OpenRangedAsync($"{_prefix}/seek.mp4", CancellationToken.None);
        Assert.NotNull(stored);
        await using var body = stored.Content;
        Assert.Equal(content.Length, stored.Length);
        Assert.True(body.CanSeek);
        // A jump forward, one back, and a read to the end: each from the bytes stored there.
        foreach (var offset in new[] { 700_000L, 12_345L, 999_990L })
        {
            body.Seek(offset, SeekOrigin.Begin);
            var chunk = new byte[Math.Min(4096, content.Length - (int)offset)];
            await body.ReadExactlyAsync(chunk);
            Assert.Equal(content.AsSpan((int)offset, chunk.Length).ToArray(), chunk);
        }
        Assert.Equal(0, await body.ReadAsync(new byte[10]));
        (store as IDisposable)?.Dispose();
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_writer_stores_what_it_was_given_only_when_committed(string backend)
    {
        var store = Store(backend);
        // Larger than two parts (5 MiB here), written in uneven chunks that straddle the part boundaries.
        var content = RandomNumberGenerator.GetBytes(11 * 1024 * 1024 + 777);
        await using (var writer = await store.OpenWriteAsync($"{_prefix}/written.mp4", CancellationToken.None))
        {
            for (var at = 0; at < content.Length; at += 300_001)
            {
                await writer.WriteAsync(content.AsMemory(at, Math.Min(300_001, content.Length - at)), CancellationToken.None);
            }
            Assert.Equal(content.Length, writer.Written);
            Assert.Null(await ReadAsync(store, $"{_prefix}/written.mp4")); // nothing visible before the commit
            await writer.CommitAsync(CancellationToken.None);
        }
        Assert.Equal(content, await ReadAsync(store, $"{_prefix}/written.mp4"));

        // A small object, and one that is abandoned half-way: only the committed one exists.
        await using (var small = await store.OpenWriteAsync($"{_prefix}/small.ts", CancellationToken.None))
        {
            await small.WriteAsync(content.AsMemory(0, 1000), CancellationToken.None);
            await small.CommitAsync(CancellationToken.None);
        }
        Assert.Equal(content[..1000], await ReadAsync(store, $"{_prefix}/small.ts"));
        await using (var abandoned = await store.OpenWriteAsync($"{_prefix}/abandoned.mp4", CancellationToken.None))
        {
            await abandoned.WriteAsync(content.AsMemory(0, 6 * 1024 * 1024), CancellationToken.None);
        }
        Assert.Null(await ReadAsync(store, $"{_prefix}/abandoned.mp4"));
        (store as IDisposable)?.Dispose();
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Pieces_become_one_object_in_order(string backend)
    {
        var store = Store(backend);
        var first = RandomNumberGenerator.GetBytes(6 * 1024 * 1024 + 5);
        var second = RandomNumberGenerator.GetBytes(1234);
        System.IO.File.WriteAllBytes(Path.Combine(_dir.FullName, "p0"), first);
        System.IO.File.WriteAllBytes(Path.Combine(_dir.FullName, "p1"), second);
        await store.PutFileAsync($"{_prefix}/pieces/0", Path.Combine(_dir.FullName, "p0"), CancellationToken.None);
        await store.PutFileAsync($"{_prefix}/pieces/1", Path.Combine(_dir.FullName, "p1"), CancellationToken.None);
        await store.ComposeAsync($"{_prefix}/whole", [$"{_prefix}/pieces/0", $"{_prefix}/pieces/1"], CancellationToken.None);
        byte[] whole = [.. first, .. second];
        Assert.Equal(whole, await ReadAsync(store, $"{_prefix}/whole"));
        Assert.Null(await ReadAsync(store, $"{_prefix}/pieces/0"));
        Assert.Null(await ReadAsync(store, $"{_prefix}/pieces/1"));

        // One piece is copied (or moved) as it is.
        await store.PutFileAsync($"{_prefix}/pieces/2", File(5000, out var only), CancellationToken.None);
        await store.ComposeAsync($"{_prefix}/single", [$"{_prefix}/pieces/2"], CancellationToken.None);
        Assert.Equal(only, await ReadAsync(store, $"{_prefix}/single"));
        Assert.Null(await ReadAsync(store, $"{_prefix}/pieces/2"));
        (store as IDisposable)?.Dispose();
    }

    [Fact]
    public async Task An_object_store_takes_only_so_many_writers_at_once()
    {
        var store = Store("s3", maxOpenWriters: 1);
        var first = await store.OpenWriteAsync($"{_prefix}/one", CancellationToken.None);
        await Assert.ThrowsAsync<StoreBusyException>(() => store.OpenWriteAsync($"{_prefix}/two", CancellationToken.None));
        await first.DisposeAsync();
        await using (var again = await store.OpenWriteAsync($"{_prefix}/two", CancellationToken.None))
        {
            await again.WriteAsync(new byte[10], CancellationToken.None);
            await again.CommitAsync(CancellationToken.None);
        }
        Assert.Equal(new byte[10], await ReadAsync(store, $"{_prefix}/two"));
        (store as IDisposable)?.Dispose();
    }
}
