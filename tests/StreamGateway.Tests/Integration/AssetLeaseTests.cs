using StackExchange.Redis;
using StreamGateway.Core.Assets;

namespace StreamGateway.Tests.Integration;

/// <summary>The per-asset job lease against the suite's Redis.</summary>
public sealed class AssetLeaseTests
{
    [Fact]
    public async Task One_job_holds_an_assets_lease_while_it_runs_and_a_dead_holders_lease_lapses()
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("SG_REDIS_URL")!.Trim('\''));
        var scopes = Gateway.Instance.Scopes();
        var asset = Guid.NewGuid();
        var ttl = TimeSpan.FromSeconds(3); // renewed every second; room for a busy machine

        var first = await AssetLease.TryTakeAsync(redis, scopes, asset, ttl, TimeProvider.System);
        Assert.NotNull(first);
        await Task.Delay(ttl * 2); // renewed by its holder, it outlives its TTL
        Assert.Null(await AssetLease.TryTakeAsync(redis, scopes, asset, ttl, TimeProvider.System));
        await first.DisposeAsync();

        var second = await AssetLease.TryTakeAsync(redis, scopes, asset, ttl, TimeProvider.System);
        Assert.NotNull(second);
        await second.DisposeAsync();

        // A holder whose node died renews nothing: its lease is gone after the TTL.
        await redis.GetDatabase().StringSetAsync($"sg:vod:{asset:N}:lease", "a node that died", ttl);
        Assert.Null(await AssetLease.TryTakeAsync(redis, scopes, asset, ttl, TimeProvider.System));
        await Task.Delay(ttl + TimeSpan.FromMilliseconds(300));
        var third = await AssetLease.TryTakeAsync(redis, scopes, asset, ttl, TimeProvider.System);
        Assert.NotNull(third);
        await third.DisposeAsync();
    }
}
