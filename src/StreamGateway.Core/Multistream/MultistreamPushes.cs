using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Live;
using StreamGateway.Core.Sessions;
using StreamGateway.Core.Storage;
using StreamGateway.Core.Streams;

namespace StreamGateway.Core.Multistream;

/// <summary>
/// Runs the pushes of the streams ingested on this node, and only those, so each push runs once and where its stream
/// is: every <see cref="MultistreamOptions.ReconcileSeconds"/> it compares the publishers this node holds with their
/// streams' enabled targets and starts what is missing and stops what is no longer wanted (the stream went idle, was
/// suspended or terminated, the target was removed, disabled or changed). A publisher that reconnects is a new
/// session, wherever it lands, and gets its pushes there.
/// </summary>
public sealed class MultistreamPushes(LivePublishers publishers, IServiceScopeFactory scopes, LivePlaylists playlists, ISegmentStore store,
    PushStatuses statuses, MultistreamEvents events, IOptions<MultistreamOptions> options, IOptions<IngestOptions> ingest,
    TimeProvider clock, ILogger<MultistreamPushes> logger) : BackgroundService
{
    private readonly Dictionary<(Guid Session, Guid Target), TargetPush> _running = [];
    private readonly List<Task> _ending = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var deps = new PushDeps(playlists, store, statuses, events, options.Value, ingest.Value.FfmpegPath, clock);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReconcileSeconds), clock);
        try
        {
            do
            {
                try
                {
                    await ReconcileAsync(deps, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException && (DurableWrites.Unreachable(e) || e is StackExchange.Redis.RedisException))
                {
                    logger.LogWarning("Multistream: could not read the targets this time ({Error}); running pushes go on", e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(_running.Values.Select(p => p.StopAsync()).Concat(_ending));
    }

    private async Task ReconcileAsync(PushDeps deps, CancellationToken ct)
    {
        var wanted = await WantedAsync(ct);
        var live = publishers.Sessions.Select(s => s.SessionId).ToHashSet();
        foreach (var (key, push) in _running.ToList())
        {
            if (!wanted.TryGetValue(key, out var plan) || plan != push.Plan)
            {
                _running.Remove(key);
                // A session that ended sends its last segments; a target taken away stops at once.
                var ended = !live.Contains(key.Session);
                if (ended)
                {
                    _ending.RemoveAll(t => t.IsCompleted);
                    _ending.Add(push.StopAsync(drain: true));
                }
                else
                {
                    await push.StopAsync();
                }
                logger.LogInformation("Multistream to {Target} of session {SessionId} stopped", push.Plan.TargetName, key.Session);
            }
        }
        foreach (var (key, plan) in wanted)
        {
            if (_running.ContainsKey(key))
            {
                continue;
            }
            if (_running.Count >= options.Value.MaxPushesPerNode)
            {
                logger.LogWarning("Multistream: {Count} pushes run on this node (Multistream:MaxPushesPerNode); {Target} waits", _running.Count, plan.TargetName);
                break;
            }
            var push = new TargetPush(plan, deps, logger);
            _running[key] = push;
            push.Start();
            logger.LogInformation("Multistream to {Target} ({Rendition}) of session {SessionId} started", plan.TargetName, plan.Rendition, key.Session);
        }
    }

    /// <summary>The pushes this node's publishers should have now.</summary>
    private async Task<Dictionary<(Guid Session, Guid Target), PushPlan>> WantedAsync(CancellationToken ct)
    {
        var sessions = publishers.Sessions;
        var wanted = new Dictionary<(Guid Session, Guid Target), PushPlan>();
        if (sessions.Count == 0)
        {
            return wanted;
        }
        var streamIds = sessions.Select(s => s.StreamId).Distinct().ToList();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var streams = await db.Streams.AsNoTracking()
            .Where(s => streamIds.Contains(s.Id) && !s.Deleted && !s.Suspended && s.Multistream != null)
            .Select(s => new { s.Id, s.ProjectId, s.PlaybackId, s.Multistream }).ToListAsync(ct);
        var refs = streams.ToDictionary(s => s.Id, s => JsonSerializer.Deserialize<MultistreamSpec>(s.Multistream!, GatewayJson.Options)?.Targets ?? []);
        var targetIds = refs.Values.SelectMany(r => r).Select(r => Guid.TryParse(r.Id, out var id) ? id : Guid.Empty).Distinct().ToList();
        var targets = await db.MultistreamTargets.AsNoTracking().Where(t => targetIds.Contains(t.Id) && !t.Disabled).ToListAsync(ct);
        foreach (var (sessionId, streamId) in sessions)
        {
            var stream = streams.FirstOrDefault(s => s.Id == streamId);
            if (stream is null)
            {
                continue;
            }
            foreach (var r in refs[streamId])
            {
                var target = targets.FirstOrDefault(t => t.Id.ToString() == r.Id && t.ProjectId == stream.ProjectId);
                if (target is not null && r.Profile is { } profile)
                {
                    wanted[(sessionId, target.Id)] = new PushPlan(sessionId, streamId, stream.PlaybackId, target.Id, target.Name, target.Url,
                        profile, r.VideoOnly ?? false);
                }
            }
        }
        return wanted;
    }
}
