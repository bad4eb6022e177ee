using StackExchange.Redis;

namespace StreamGateway.Core.Jobs;

/// <summary>One running job's slot: renewed while held, given back on dispose.</summary>
public sealed class JobSlot : IAsyncDisposable
{
    private static readonly LuaScript RenewScript = LuaScript.Prepare("""
        if not redis.call('ZSCORE', @key, @token) then return 0 end
        local t = redis.call('TIME')
        redis.call('ZADD', @key, tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(@ms), @token)
        redis.call('PEXPIRE', @key, @ms)
        return 1
        """);

    private readonly IDatabase _redis;
    private readonly RedisKey _key;
    private readonly string _token;
    private readonly Action _releaseNode;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    internal JobSlot(IDatabase redis, RedisKey key, string token, TimeSpan lease, TimeProvider clock, Action releaseNode)
    {
        _redis = redis;
        _key = key;
        _token = token;
        _releaseNode = releaseNode;
        _renewing = RenewAsync(lease, clock);
    }

    private async Task RenewAsync(TimeSpan lease, TimeProvider clock)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(lease / 3, clock, _stop.Token);
                await _redis.ScriptEvaluateAsync(RenewScript, new { key = _key, token = _token, ms = (long)lease.TotalMilliseconds });
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // A missed renewal is retried at the next; the lease outlives two of them.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        _releaseNode();
        try
        {
            await _redis.SortedSetRemoveAsync(_key, _token);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // the slot lapses with its lease
        }
        _stop.Dispose();
    }
}
