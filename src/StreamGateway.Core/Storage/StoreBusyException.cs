namespace StreamGateway.Core.Storage;

/// <summary>The store takes no more writers on this node right now (<see cref="S3StorageOptions.MaxOpenWriters"/>); try again shortly.</summary>
public sealed class StoreBusyException(string message) : Exception(message)
{
    public StoreBusyException()
        : this("the store is writing as many uploads as this node allows")
    {
    }

    public StoreBusyException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}
