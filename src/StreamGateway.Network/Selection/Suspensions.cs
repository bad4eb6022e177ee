namespace StreamGateway.Network.Selection;

/// <summary>
/// Orchestrators that failed recently (livepeer-protocol §2.5). A failure adds a penalty of
/// <c>ceil(max(1, poolSize) / max(1, wanted))</c> refresh rounds on top of the current round; an orchestrator is
/// suspended while its penalty is ahead of the round counter, which advances at every pool refresh, so a
/// suspended orchestrator comes back after as many refreshes as it was penalised. Failures add up across refresh
/// rounds, but several in one round (segments that were in flight together when a node died) count once.
/// </summary>
public sealed class Suspensions
{
    private readonly Dictionary<string, long> _until = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _penalisedIn = new(StringComparer.OrdinalIgnoreCase);
    private long _round;

    public long Round => _round;

    public void Suspend(string orchestrator, int poolSize, int wanted)
    {
        if (_penalisedIn.TryGetValue(orchestrator, out var round) && round == _round && IsSuspended(orchestrator))
        {
            return;
        }
        _penalisedIn[orchestrator] = _round;
        var penalty = (long)Math.Ceiling(Math.Max(1, poolSize) / (double)Math.Max(1, wanted));
        _until[orchestrator] = Math.Max(_until.GetValueOrDefault(orchestrator, _round), _round) + penalty;
    }

    /// <summary>Ends a suspension at once (an operator reinstating an orchestrator).</summary>
    public void Clear(string orchestrator)
    {
        _until.Remove(orchestrator);
        _penalisedIn.Remove(orchestrator);
    }

    /// <summary>Called at each pool refresh.</summary>
    public void NextRound()
    {
        _round++;
        foreach (var (key, until) in _until.ToList())
        {
            if (until < _round)
            {
                _until.Remove(key);
                _penalisedIn.Remove(key);
            }
        }
    }

    /// <summary>The penalty still to serve, 0 when not suspended (lower is better when nothing else answers).</summary>
    public long Penalty(string orchestrator) =>
        _until.TryGetValue(orchestrator, out var until) && until >= _round ? until - _round + 1 : 0;

    public bool IsSuspended(string orchestrator) => Penalty(orchestrator) > 0;
}
