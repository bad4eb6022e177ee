using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace StreamGateway.Core.Data;

/// <summary>
/// Writes of the live path that must land even when PostgreSQL (or Redis) is briefly away: a session's start, its
/// statistics, usage, segment log, the stream going live or idle, and its end. Each write is retried until it
/// lands, in the order given per key (a session), while the media path goes on without waiting; a write that fails
/// for a reason other than an unreachable store is logged and dropped, never retried. What a node holds is bounded
/// (<see cref="DurableWriteOptions"/>) and lives in its memory: a node that dies loses its pending writes, and
/// <c>LostSessionSweep</c> ends its sessions.
/// </summary>
public sealed class DurableWrites : IHostedService, IDisposable
{
    private const int Lanes = 8;

    private readonly Channel<Queued>[] _lanes = new Channel<Queued>[Lanes];
    private readonly Task[] _workers = new Task[Lanes];
    private readonly CancellationTokenSource _stopped = new();
    private readonly DurableWriteOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<DurableWrites> _logger;
    private int _pending;

    private sealed record Queued(string What, Func<CancellationToken, Task> Write, TaskCompletionSource Done, DateTimeOffset Since);

    public DurableWrites(IOptions<DurableWriteOptions> options, TimeProvider clock, ILogger<DurableWrites> logger)
    {
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        for (var i = 0; i < Lanes; i++)
        {
            var lane = _lanes[i] = Channel.CreateUnbounded<Queued>(new UnboundedChannelOptions { SingleReader = true });
            _workers[i] = Task.Run(() => DrainAsync(lane.Reader));
        }
    }

    /// <summary>Writes not landed yet on this node.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>
    /// Queues <paramref name="write"/> behind the earlier writes for <paramref name="key"/>. The task completes when it
    /// landed and faults when it was dropped; callers on the media path do not wait for it.
    /// </summary>
    public Task Run(Guid key, string what, Func<CancellationToken, Task> write)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (Interlocked.Increment(ref _pending) > _options.MaxPending)
        {
            Interlocked.Decrement(ref _pending);
            _logger.LogError("Dropped a write ({What}): {Limit} writes already wait for the database on this node (DurableWrites:MaxPending)",
                what, _options.MaxPending);
            done.SetException(new InvalidOperationException($"too many writes waiting for the database to write {what}"));
            return done.Task;
        }
        var lane = _lanes[(uint)key.GetHashCode() % Lanes];
        if (!lane.Writer.TryWrite(new Queued(what, write, done, _clock.GetUtcNow())))
        {
            Interlocked.Decrement(ref _pending);
            done.SetException(new ObjectDisposedException(nameof(DurableWrites)));
        }
        return done.Task;
    }

    private async Task DrainAsync(ChannelReader<Queued> lane)
    {
        await foreach (var item in lane.ReadAllAsync())
        {
            await LandAsync(item);
            Interlocked.Decrement(ref _pending);
        }
    }

    private async Task LandAsync(Queued item)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var tries = 1; ; tries++)
        {
            try
            {
                await item.Write(_stopped.Token);
                if (tries > 1)
                {
                    _logger.LogInformation("Wrote {What} after {Tries} tries ({Seconds:F1} s late)", item.What, tries,
                        (_clock.GetUtcNow() - item.Since).TotalSeconds);
                }
                item.Done.SetResult();
                return;
            }
            catch (Exception e) when (Unreachable(e) && !_stopped.IsCancellationRequested &&
                                      _clock.GetUtcNow() - item.Since < TimeSpan.FromMinutes(_options.RetryForMinutes))
            {
                if (tries == 1)
                {
                    _logger.LogWarning("Could not write {What} yet, retrying until the store is back: {Error}", item.What, e.Message);
                }
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Dropped a write ({What}) after {Tries} tries", item.What, tries);
                item.Done.SetException(e);
                return;
            }
            try
            {
                await Task.Delay(delay, _clock, _stopped.Token);
            }
            catch (OperationCanceledException)
            {
                // stopping: one last try above, then the write is dropped
            }
            delay = TimeSpan.FromSeconds(Math.Min(_options.MaxRetryDelaySeconds, delay.TotalSeconds * 2));
        }
    }

    /// <summary>The store could not be reached or is restarting, as opposed to refusing what was written.</summary>
    public static bool Unreachable(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is NpgsqlException { IsTransient: true } or RedisConnectionException or RedisTimeoutException or TimeoutException)
            {
                return true;
            }
        }
        return false;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _stopped.Dispose();

    /// <summary>Gives what is queued until the host's shutdown timeout to land.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (Pending > 0 && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        if (Pending > 0)
        {
            _logger.LogError("Stopping with {Count} writes that never reached the database", Pending);
        }
        await _stopped.CancelAsync();
    }
}
