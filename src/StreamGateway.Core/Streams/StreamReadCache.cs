using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StreamGateway.Core.Streams;

/// <summary>Section <c>StreamCache</c>: the read cache behind <c>GET /api/stream/{id}</c>.</summary>
public sealed class StreamCacheOptions
{
    public const string Section = "StreamCache";

    /// <summary>
    /// How long a stream's answer is served from this node's memory; 0 turns the cache off. Every write of a stream
    /// row on any node forgets it at once (through Redis), so this only bounds how stale an answer can be when that
    /// notice is lost (Redis away).
    /// </summary>
    [Range(0, 60_000)]
    public int Milliseconds { get; set; } = 1000;

    /// <summary>Streams held at once; when full, a new answer is not kept until the cache has made room (expired entries first).</summary>
    [Range(1, 10_000_000)]
    public int MaxEntries { get; set; } = 100_000;
}

/// <summary>
/// The JSON of recently read streams, per node, so that a stream read again and again (a dashboard or an app polling
/// its status) costs no database round trip. An entry belongs to one project: another project's caller never gets it.
/// Any write of a stream row (<see cref="StreamWriteInterceptor"/> for tracked saves, <see cref="Forget"/> after a bulk
/// update) forgets the stream here and, through a Redis channel, on every other node. A read that began before a write
/// it might have missed is not cached: a global generation moves with every change, and an answer is kept only when
/// the generation it was read under still holds.
/// </summary>
public sealed class StreamReadCache(IConnectionMultiplexer redis, IOptions<StreamCacheOptions> options,
    ILogger<StreamReadCache> logger) : IHostedService, IDisposable
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("sg:streams:changed");

    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = options.Value.MaxEntries });
    private readonly TimeSpan _lifetime = TimeSpan.FromMilliseconds(options.Value.Milliseconds);
    private long _generation;

    private sealed record Entry(Guid ProjectId, byte[] Json);

    public bool Enabled => options.Value.Milliseconds > 0;

    /// <summary>Taken before reading a stream from the database; <see cref="Set"/> keeps the answer only if nothing changed since.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(Guid projectId, Guid streamId, out byte[] json)
    {
        if (_entries.TryGetValue(streamId, out Entry? entry) && entry!.ProjectId == projectId)
        {
            json = entry.Json;
            return true;
        }
        json = [];
        return false;
    }

    public void Set(Guid projectId, Guid streamId, byte[] json, long generation)
    {
        if (!Enabled)
        {
            return;
        }
        _entries.Set(streamId, new Entry(projectId, json), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = _lifetime });
        if (Generation != generation)
        {
            // A write landed while this answer was being read: it may predate the write.
            _entries.Remove(streamId);
        }
    }

    /// <summary>The streams' rows changed: forget them here and on every node.</summary>
    public void Forget(IReadOnlyCollection<Guid> streamIds)
    {
        if (streamIds.Count == 0)
        {
            return;
        }
        ForgetHere(streamIds);
        if (!Enabled)
        {
            return;
        }
        try
        {
            _ = redis.GetSubscriber().PublishAsync(Channel, string.Join(',', streamIds.Select(id => id.ToString("N"))), CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            // Other nodes drop their copies within StreamCache:Milliseconds.
            logger.LogWarning("Could not tell other nodes that {Count} streams changed: {Error}", streamIds.Count, e.Message);
        }
    }

    public void Forget(Guid streamId) => Forget([streamId]);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Enabled)
        {
            await redis.GetSubscriber().SubscribeAsync(Channel, (_, message) => ForgetHere(Parse(message)));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        Enabled ? redis.GetSubscriber().UnsubscribeAsync(Channel) : Task.CompletedTask;

    private void ForgetHere(IEnumerable<Guid> streamIds)
    {
        Interlocked.Increment(ref _generation);
        foreach (var id in streamIds)
        {
            _entries.Remove(id);
        }
    }

    private static IEnumerable<Guid> Parse(RedisValue message)
    {
        foreach (var part in ((string?)message ?? "").Split(','))
        {
            if (Guid.TryParseExact(part, "N", out var id))
            {
                yield return id;
            }
        }
    }

    public void Dispose() => _entries.Dispose();
}
