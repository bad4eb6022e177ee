using System.Numerics;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>
/// Credit per (sender, session): what valid tickets brought in less what the work cost. A session that neither pays
/// nor sends a segment for a while is forgotten, and how many are kept at once is bounded. Pure and not thread-safe:
/// <see cref="PaymentLedger"/> holds its lock around it.
/// </summary>
public sealed class SessionBalances(int maxBalances)
{
    private readonly Dictionary<(string Sender, string Session), (BigInteger Amount, DateTimeOffset Touched)> _balances = [];

    public int Count => _balances.Count;

    /// <summary>Whether a credit to this balance can be kept: it exists already, or there is room for one more.</summary>
    public bool CanHold((string Sender, string Session) key) => _balances.ContainsKey(key) || _balances.Count < maxBalances;

    public BigInteger Get((string Sender, string Session) key) => _balances.TryGetValue(key, out var b) ? b.Amount : BigInteger.Zero;

    /// <summary>Adds <paramref name="amount"/> (a debit is negative) and marks the balance used at <paramref name="now"/>.</summary>
    public void Add((string Sender, string Session) key, BigInteger amount, DateTimeOffset now) =>
        _balances[key] = (Get(key) + amount, now);

    /// <summary>Forgets the balances last used before <paramref name="idleSince"/>; returns how many.</summary>
    public int ForgetIdle(DateTimeOffset idleSince)
    {
        var idle = _balances.Where(b => b.Value.Touched < idleSince).Select(b => b.Key).ToList();
        idle.ForEach(key => _balances.Remove(key));
        return idle.Count;
    }
}
