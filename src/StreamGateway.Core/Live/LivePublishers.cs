using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace StreamGateway.Core.Live;

/// <summary>
/// The publishers connected to this node, and the cluster-wide way to drop one: a kick is published on a Redis
/// channel and every node cancels its matching publisher. Used for terminate, suspend, delete, and for a second
/// publisher with the same key (which replaces the first, as an encoder reconnect expects).
/// </summary>
public sealed class LivePublishers(IConnectionMultiplexer redis, ILogger<LivePublishers> logger) : IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("sg:ingest:kick");
    private readonly ConcurrentDictionary<Guid, (Guid StreamId, CancellationTokenSource Cancel)> _bySession = new();

    public int Count => _bySession.Count;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Health.GatewayMetrics.Meter.CreateObservableGauge("sg.live.publishers", () => Count, "{publisher}", "RTMP publishers live on this node");
        await redis.GetSubscriber().SubscribeAsync(Channel, (_, message) => OnKick((string)message!));
    }

    public Task StopAsync(CancellationToken cancellationToken) => redis.GetSubscriber().UnsubscribeAsync(Channel);

    /// <summary>Registers a publisher and drops every other publisher of the same stream, on any node.</summary>
    public async Task AddAsync(Guid streamId, Guid sessionId, CancellationTokenSource cancel)
    {
        _bySession[sessionId] = (streamId, cancel);
        await KickAsync(streamId, except: sessionId);
    }

    public void Remove(Guid sessionId) => _bySession.TryRemove(sessionId, out _);

    /// <summary>The sessions whose publishers are connected to this node, with their streams.</summary>
    public IReadOnlyList<(Guid SessionId, Guid StreamId)> Sessions => [.. _bySession.Select(e => (e.Key, e.Value.StreamId))];

    /// <summary>Whether the session's publisher is connected to this node.</summary>
    public bool Holds(Guid sessionId) => _bySession.ContainsKey(sessionId);

    public Task KickAsync(Guid streamId, Guid? except = null) =>
        redis.GetSubscriber().PublishAsync(Channel, $"{streamId:N}:{except?.ToString("N") ?? ""}");

    private void OnKick(string message)
    {
        var parts = message.Split(':');
        if (parts.Length != 2 || !Guid.TryParseExact(parts[0], "N", out var streamId))
        {
            return;
        }
        Guid.TryParseExact(parts[1], "N", out var except);
        foreach (var (sessionId, entry) in _bySession)
        {
            if (entry.StreamId == streamId && sessionId != except)
            {
                logger.LogInformation("Dropping publisher of stream {StreamId} (session {SessionId})", streamId, sessionId);
                try
                {
                    entry.Cancel.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // the publisher ended meanwhile
                }
            }
        }
    }
}
