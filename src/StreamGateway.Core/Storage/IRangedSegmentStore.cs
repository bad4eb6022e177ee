namespace StreamGateway.Core.Storage;

/// <summary>
/// A store whose objects can be read from any offset without a local copy (an object store's ranged GET), so MP4
/// downloads can seek. <see cref="StoredObject.Content"/> is seekable; each seek costs one new request.
/// </summary>
public interface IRangedSegmentStore
{
    /// <summary>The object's size, date and tag with a seekable body, or null when there is none.</summary>
    Task<StoredObject?> OpenRangedAsync(string key, CancellationToken ct);
}

public sealed record StoredObject(System.IO.Stream Content, long Length, DateTimeOffset LastModified, string? ETag);
