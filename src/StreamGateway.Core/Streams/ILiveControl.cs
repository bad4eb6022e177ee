namespace StreamGateway.Core.Streams;

/// <summary>
/// What the stream API asks of the live path when a stream changes. Declared here, where streams change, and
/// implemented by the live path, so Streams does not depend on it.
/// </summary>
public interface ILiveControl
{
    /// <summary>
    /// The stream's key, deletion or suspension may have changed: nobody may publish on what was cached of it, and
    /// its publisher goes at once when <paramref name="dropPublisher"/> (deleted or suspended).
    /// </summary>
    Task StreamChangedAsync(LiveStream stream, bool dropPublisher);

    /// <summary>Ends the stream's current publish, on whichever node holds it; the encoder may reconnect.</summary>
    Task TerminateAsync(Guid streamId);
}
