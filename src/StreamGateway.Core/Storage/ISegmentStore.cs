namespace StreamGateway.Core.Storage;

/// <summary>
/// Where media segments live. Keys are relative paths such as <c>live/{playbackId}/source/{name}.ts</c>.
/// The local directory is the one-machine default; an S3-compatible store is another implementation.
/// </summary>
public interface ISegmentStore
{
    /// <summary>Takes ownership of a finished local file (moved when possible) and stores it under <paramref name="key"/>.</summary>
    Task PutFileAsync(string key, string localPath, CancellationToken ct);

    /// <summary>A writer that stores an object under <paramref name="key"/> as its bytes arrive (see <see cref="StoreWriter"/>).</summary>
    Task<StoreWriter> OpenWriteAsync(string key, CancellationToken ct);

    /// <summary>The stored object, or null when there is none.</summary>
    Task<System.IO.Stream?> OpenReadAsync(string key, CancellationToken ct);

    Task DeleteAsync(string key, CancellationToken ct);

    /// <summary>
    /// Stores the stored objects <paramref name="parts"/>, one after another, as <paramref name="key"/>, and deletes the
    /// parts (a resumable upload's pieces becoming one file). No part may be missing.
    /// </summary>
    Task ComposeAsync(string key, IReadOnlyList<string> parts, CancellationToken ct);

    /// <summary>Deletes every object whose key starts with <paramref name="prefix"/>/ (a folder of them).</summary>
    Task DeleteFolderAsync(string prefix, CancellationToken ct);
}
