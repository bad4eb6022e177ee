using Microsoft.Extensions.Options;

namespace StreamGateway.Orchestrator.Sessions;

/// <summary>
/// MaxSessions as distinct auth-token session ids that sent a segment within the last minute. A new session beyond
/// the limit is refused with go-O's <c>OrchestratorCapped</c>; a known one always gets through.
/// </summary>
public sealed class SessionCapacity(IOptions<OrchestratorOptions> options, TimeProvider clock)
{
    public const string CappedError = "OrchestratorCapped";
    public static readonly TimeSpan ActiveWindow = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, DateTimeOffset> _lastSeen = [];

    /// <summary>Records activity for the session; false when it is new and the orchestrator is full.</summary>
    public bool TryUse(string sessionId)
    {
        var now = clock.GetUtcNow();
        lock (_lastSeen)
        {
            foreach (var (id, seen) in _lastSeen.ToList())
            {
                if (now - seen > ActiveWindow)
                {
                    _lastSeen.Remove(id);
                }
            }
            if (!_lastSeen.ContainsKey(sessionId) && _lastSeen.Count >= options.Value.MaxSessions)
            {
                return false;
            }
            _lastSeen[sessionId] = now;
            return true;
        }
    }

    public void Release(string sessionId)
    {
        lock (_lastSeen)
        {
            _lastSeen.Remove(sessionId);
        }
    }
}
