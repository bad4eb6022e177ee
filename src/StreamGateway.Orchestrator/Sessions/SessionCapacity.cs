using Microsoft.Extensions.Options;

namespace StreamGateway.Orchestrator.Sessions;

/// <summary>
/// MaxSessions as distinct auth-token session ids that sent a segment within the last minute. A new session beyond
/// the limit is refused with go-O's <c>OrchestratorCapped</c>; a known one always gets through. As at go-O, where a
/// session is counted once its first segment reaches the transcoder, <c>POST /segment</c> only looks before the
/// payment (<see cref="HasRoom"/>) and takes the slot after it (<see cref="TryUse"/>): a session that has not paid holds none.
/// </summary>
public sealed class SessionCapacity(IOptions<OrchestratorOptions> options, TimeProvider clock)
{
    public const string CappedError = "OrchestratorCapped";
    public static readonly TimeSpan ActiveWindow = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, DateTimeOffset> _lastSeen = [];

    /// <summary>Whether <see cref="TryUse"/> would let the session in now; takes nothing.</summary>
    public bool HasRoom(string sessionId)
    {
        lock (_lastSeen)
        {
            return Admits(sessionId, clock.GetUtcNow());
        }
    }

    /// <summary>Records activity for the session; false when it is new and the orchestrator is full.</summary>
    public bool TryUse(string sessionId)
    {
        var now = clock.GetUtcNow();
        lock (_lastSeen)
        {
            if (!Admits(sessionId, now))
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

    /// <summary>Forgets sessions quiet for longer than the window, then decides (caller holds the lock).</summary>
    private bool Admits(string sessionId, DateTimeOffset now)
    {
        foreach (var (id, seen) in _lastSeen.ToList())
        {
            if (now - seen > ActiveWindow)
            {
                _lastSeen.Remove(id);
            }
        }
        return _lastSeen.ContainsKey(sessionId) || _lastSeen.Count < options.Value.MaxSessions;
    }
}
