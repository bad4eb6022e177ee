namespace StreamGateway.Core.Storage;

/// <summary>
/// An object being written into the store as its bytes arrive (an upload's body), with no copy elsewhere: nothing is
/// visible under the key until <see cref="CommitAsync"/>, and disposing an uncommitted writer discards what it holds.
/// </summary>
public abstract class StoreWriter : IAsyncDisposable
{
    /// <summary>Bytes written so far.</summary>
    public long Written { get; protected set; }

    public abstract ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct);

    /// <summary>Makes what was written the object under the writer's key (replacing any object there).</summary>
    public abstract Task CommitAsync(CancellationToken ct);

    /// <summary>Free bytes on the local disk this writer fills, or null when it fills none (an object store).</summary>
    public abstract long? FreeBytes();

    public abstract ValueTask DisposeAsync();
}
