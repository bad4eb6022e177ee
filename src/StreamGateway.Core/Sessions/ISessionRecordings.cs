namespace StreamGateway.Core.Sessions;

/// <summary>
/// Finds the recordings of sessions, for the session API. Declared here, where sessions are shown, and implemented
/// by the feature that makes recordings (Assets), so Sessions does not depend on it.
/// </summary>
public interface ISessionRecordings
{
    /// <param name="baseUrl">The gateway's public base URL, for the recordings' URLs.</param>
    Task<IReadOnlyDictionary<Guid, SessionRecording>> FindAsync(IReadOnlyCollection<Guid> sessionIds, string baseUrl, CancellationToken ct);
}
