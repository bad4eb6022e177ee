using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace StreamGateway.Core.Jobs;

/// <summary>How many jobs of each kind this node runs now, each kind under its own limit.</summary>
public sealed class NodeSlots
{
    private readonly ConcurrentDictionary<string, StrongBox<int>> _held = new(StringComparer.Ordinal);

    /// <summary>Takes one of <paramref name="kind"/>'s slots when fewer than <paramref name="limit"/> are held.</summary>
    public bool TryTake(string kind, int limit)
    {
        var held = _held.GetOrAdd(kind, _ => new StrongBox<int>());
        while (true)
        {
            var now = Volatile.Read(ref held.Value);
            if (now >= limit)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref held.Value, now + 1, now) == now)
            {
                return true;
            }
        }
    }

    public void Release(string kind)
    {
        if (_held.TryGetValue(kind, out var held) && Interlocked.Decrement(ref held.Value) < 0)
        {
            throw new InvalidOperationException($"a {kind} slot was given back that was never taken");
        }
    }

    public int Held(string kind) => _held.TryGetValue(kind, out var held) ? Volatile.Read(ref held.Value) : 0;
}
