using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StreamGateway.Core.Jobs;

/// <summary>How many jobs of one slow kind may run at once: per project (across every node) and per node.</summary>
/// <param name="Kind">A short name for the kind of job, part of its Redis key (<c>import</c>, <c>webhook</c>).</param>
public sealed record SlotLimits(string Kind, int PerProject, int PerNode);

/// <summary>
/// Slots for slow jobs, so that no project holds more than its share of the general workers and no slow kind holds
/// them all. A project's slots are a Redis sorted set (members: slot tokens, scores: lease expiry by Redis's own
/// clock), because its jobs run on any node; a slot is renewed while its job runs and lapses on its own when its node
/// dies. A node's slots are counted in memory, since the workers they protect are the node's own.
/// </summary>
public sealed class JobSlots(IConnectionMultiplexer redis, IOptions<JobsOptions> options, TimeProvider clock)
{
    // Expired slots (their node died) are dropped before counting; the key lives as long as its newest lease.
    private static readonly LuaScript TakeScript = LuaScript.Prepare("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', @key, '-inf', now)
        if redis.call('ZCARD', @key) >= tonumber(@limit) then return 0 end
        redis.call('ZADD', @key, now + tonumber(@ms), @token)
        redis.call('PEXPIRE', @key, @ms)
        return 1
        """);

    private readonly NodeSlots _node = new();

    /// <summary>A slot for one job of <paramref name="limits"/>' kind, or null when the project or this node has none free.</summary>
    public async Task<JobSlot?> TryTakeAsync(SlotLimits limits, Guid projectId)
    {
        if (!_node.TryTake(limits.Kind, limits.PerNode))
        {
            return null;
        }
        var key = (RedisKey)$"sg:slots:{limits.Kind}:{projectId:N}";
        var token = Guid.NewGuid().ToString("N");
        var lease = TimeSpan.FromSeconds(options.Value.SlotLeaseSeconds);
        try
        {
            var taken = (long)await redis.GetDatabase().ScriptEvaluateAsync(TakeScript,
                new { key, token, limit = limits.PerProject, ms = (long)lease.TotalMilliseconds });
            if (taken == 1)
            {
                return new JobSlot(redis.GetDatabase(), key, token, lease, clock, () => _node.Release(limits.Kind));
            }
        }
        catch
        {
            _node.Release(limits.Kind);
            throw;
        }
        _node.Release(limits.Kind);
        return null;
    }

    /// <summary>When a job that found no free slot should run again.</summary>
    public TimeSpan BusyDelay() => options.Value.BusyDelay(Random.Shared.NextDouble());
}
