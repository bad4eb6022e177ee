using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Assets;

/// <summary>
/// One job at a time per asset, and one writer at a time per upload, across every gateway node: a Redis lease that
/// its holder renews while it works, and that lapses on its own when its node dies. While renewing, it also touches
/// the asset's <c>updatedAt</c> (while the asset is still in the phases the holder works in), so the watchdog leaves
/// a slow but living job or upload alone and only picks up one whose node went away.
/// </summary>
public sealed class AssetLease : IAsyncDisposable
{
    private static readonly LuaScript RenewScript = LuaScript.Prepare(
        "if redis.call('GET', @key) == @token then return redis.call('PEXPIRE', @key, @ms) else return 0 end");
    private static readonly LuaScript ReleaseScript = LuaScript.Prepare(
        "if redis.call('GET', @key) == @token then return redis.call('DEL', @key) else return 0 end");

    private static readonly string[] JobPhases = [AssetPhase.Processing, AssetPhase.Waiting];
    private static readonly string[] UploadPhases = [AssetPhase.Uploading];
    private static readonly string[] TaskPhases = ["pending", "running"];

    private readonly IDatabase _redis;
    private readonly string _key;
    private readonly string[] _phases;
    private readonly bool _ofTask;
    private readonly string _token = Guid.NewGuid().ToString("N");
    private readonly CancellationTokenSource _stop = new();
    private Task _renewing = Task.CompletedTask;

    private AssetLease(IDatabase redis, string key, string[] phases, bool ofTask = false)
    {
        _redis = redis;
        _key = key;
        _phases = phases;
        _ofTask = ofTask;
    }

    /// <summary>The processing lease, or null when another job holds it.</summary>
    /// <param name="ttl">How long the lease outlives its holder's last renewal (it renews every third of it).</param>
    public static Task<AssetLease?> TryTakeAsync(IConnectionMultiplexer redis, IServiceScopeFactory scopes, Guid assetId, TimeSpan ttl,
        TimeProvider clock) =>
        TryTakeAsync(new AssetLease(redis.GetDatabase(), JobKey(assetId), JobPhases), scopes, assetId, ttl, clock);

    /// <summary>The right to write the asset's upload (a direct PUT, a tus POST, PATCH or DELETE), or null while another request has it.</summary>
    public static Task<AssetLease?> TryTakeUploadAsync(IConnectionMultiplexer redis, IServiceScopeFactory scopes, Guid assetId, TimeSpan ttl,
        TimeProvider clock) =>
        TryTakeAsync(new AssetLease(redis.GetDatabase(), UploadKey(assetId), UploadPhases), scopes, assetId, ttl, clock);

    /// <summary>
    /// The lease of a task's own job (a transcode into the caller's bucket, which has no asset): it touches the task's
    /// <c>updatedAt</c> while the task is pending or running.
    /// </summary>
    public static Task<AssetLease?> TryTakeTaskAsync(IConnectionMultiplexer redis, IServiceScopeFactory scopes, Guid taskId, TimeSpan ttl,
        TimeProvider clock) =>
        TryTakeAsync(new AssetLease(redis.GetDatabase(), $"sg:task:{taskId:N}:lease", TaskPhases, ofTask: true), scopes, taskId, ttl, clock);

    /// <summary>The Redis key of an asset job's lease (processing, or an import fetching its file).</summary>
    public static string JobKey(Guid assetId) => $"sg:vod:{assetId:N}:lease";

    /// <summary>The Redis key of an upload's writer lease.</summary>
    public static string UploadKey(Guid assetId) => $"sg:vod:{assetId:N}:upload";

    private static async Task<AssetLease?> TryTakeAsync(AssetLease lease, IServiceScopeFactory scopes, Guid assetId, TimeSpan ttl, TimeProvider clock)
    {
        if (!await lease._redis.StringSetAsync(lease._key, lease._token, ttl, When.NotExists))
        {
            return null;
        }
        lease._renewing = lease.RenewAsync(scopes, assetId, ttl, clock);
        return lease;
    }

    private async Task RenewAsync(IServiceScopeFactory scopes, Guid assetId, TimeSpan ttl, TimeProvider clock)
    {
        // The database is touched beside the renewals, never in their way: a slow query must not let the lease lapse.
        var touching = Task.CompletedTask;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(ttl / 3, clock, _stop.Token);
                await _redis.ScriptEvaluateAsync(RenewScript, new { key = (RedisKey)_key, token = _token, ms = (long)ttl.TotalMilliseconds });
            }
            catch (OperationCanceledException)
            {
                break;
            }

            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // A missed renewal is retried at the next; the lease outlives two of them.
            }
            if (touching.IsCompleted)
            {
                touching = Task.Run(() => TouchAsync(scopes, assetId, clock)); // (a first query builds EF's model synchronously)
            }
        }
        await touching;
    }

    /// <summary>Shows the watchdog that the job or upload is alive.</summary>
    private async Task TouchAsync(IServiceScopeFactory scopes, Guid assetId, TimeProvider clock)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var now = clock.GetUtcNow();
            var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
            if (_ofTask)
            {
                await db.Tasks.Where(t => t.Id == assetId && _phases.Contains(t.Phase))
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.UpdatedAt, now), _stop.Token);
            }
            else
            {
                await db.Assets.Where(a => a.Id == assetId && _phases.Contains(a.Phase))
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.UpdatedAt, now), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or DbUpdateException or Npgsql.NpgsqlException or TimeoutException)
        {
            // the next renewal touches it again
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        await _redis.ScriptEvaluateAsync(ReleaseScript, new { key = (RedisKey)_key, token = _token });
        _stop.Dispose();
    }
}
