namespace StreamGateway.Core.Live;

/// <summary>
/// Makes a recording of a session that ended, for streams with <c>record: true</c>. Declared here, where sessions
/// end, and implemented by the feature that owns recordings (Assets), so the live path does not depend on it.
/// </summary>
public interface ILiveRecorder
{
    /// <summary>Safe to call twice for one session (two nodes may end it): only the first makes a recording.</summary>
    Task RecordAsync(Guid sessionId, CancellationToken ct);
}
