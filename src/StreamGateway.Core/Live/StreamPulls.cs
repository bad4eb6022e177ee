using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Streams;
using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Core.Live;

/// <summary>
/// Ingests the streams that pull from a URL: every <see cref="PullOptions.ReconcileSeconds"/> a node looks for pull
/// streams that want pulling (not deleted, suspended or terminated), takes those it can hold a Redis lease on (one node
/// per stream), and runs an ffmpeg that reads the source and publishes it to this node's own RTMP ingest, so a pulled
/// stream takes the path a pushed one does (session, segments, transcoding, recording, webhooks). A source that is down
/// or drops is read again after 1 s, doubling up to <see cref="PullOptions.MaxRetrySeconds"/>; a node that dies loses
/// its leases within 10 s and another takes over.
/// </summary>
public sealed class StreamPulls(IServiceScopeFactory scopes, IConnectionMultiplexer redis, IOptions<PullOptions> options,
    IOptions<IngestOptions> ingest, TimeProvider clock, ILogger<StreamPulls> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);
    private readonly string _node = Guid.NewGuid().ToString("N");
    private readonly Dictionary<Guid, (string Plan, CancellationTokenSource Stop, Task Run)> _running = [];

    private static RedisKey LeaseKey(Guid streamId) => $"sg:pull:lease:{streamId:N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!ingest.Value.Enabled || options.Value.MaxPullsPerNode == 0)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReconcileSeconds), clock);
        try
        {
            do
            {
                try
                {
                    await ReconcileAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException && (DurableWrites.Unreachable(e) || e is RedisException))
                {
                    logger.LogWarning("Pull: could not look for work this time ({Error}); running pulls go on", e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
        }
        foreach (var id in _running.Keys.ToList())
        {
            await StopAsync(id);
        }
    }

    private async Task ReconcileAsync(CancellationToken ct)
    {
        var wanted = await WantedAsync(ct);
        var db = redis.GetDatabase();
        foreach (var (id, run) in _running.ToList())
        {
            // Keep the lease while the stream still wants this very pull; otherwise let it go.
            var keep = wanted.TryGetValue(id, out var want) && want.Plan == run.Plan && !run.Run.IsCompleted &&
                       await db.StringGetAsync(LeaseKey(id)) == _node && await db.KeyExpireAsync(LeaseKey(id), Lease);
            if (!keep)
            {
                await StopAsync(id);
            }
        }
        foreach (var (id, want) in wanted)
        {
            if (_running.ContainsKey(id) || _running.Count >= options.Value.MaxPullsPerNode)
            {
                continue;
            }
            if (!await db.StringSetAsync(LeaseKey(id), _node, Lease, When.NotExists))
            {
                continue; // another node pulls it
            }
            var stop = new CancellationTokenSource();
            _running[id] = (want.Plan, stop, Task.Run(() => PullAsync(id, want.Plan, want.Pull, want.StreamKey, stop.Token), CancellationToken.None));
            logger.LogInformation("Pulling stream {StreamId} from its source", id);
        }
    }

    private async Task StopAsync(Guid id)
    {
        var (_, stop, run) = _running[id];
        _running.Remove(id);
        await stop.CancelAsync();
        try
        {
            await run;
        }
        catch (Exception e) when (DurableWrites.Unreachable(e) || e is RedisException)
        {
            logger.LogWarning("Pull of stream {StreamId} stopped on an outage: {Error}", id, e.Message);
        }
        stop.Dispose();
        var db = redis.GetDatabase();
        if (await db.StringGetAsync(LeaseKey(id)) == _node)
        {
            await db.KeyDeleteAsync(LeaseKey(id));
        }
        logger.LogInformation("Stopped pulling stream {StreamId}", id);
    }

    /// <summary>Pull streams that want pulling now (or only <paramref name="only"/>); the plan is what a change of source must restart.</summary>
    private async Task<Dictionary<Guid, (string Plan, PullSpec Pull, string StreamKey)>> WantedAsync(CancellationToken ct, Guid? only = null)
    {
        await using var scope = scopes.CreateAsyncScope();
        var rows = await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().Streams.AsNoTracking()
            .Where(s => s.Pull != null && s.PullRequestedAt != null && !s.Deleted && !s.Suspended && (only == null || s.Id == only))
            .Select(s => new { s.Id, s.Pull, s.StreamKey, s.PullRequestedAt }).ToListAsync(ct);
        return rows.ToDictionary(r => r.Id, r => ($"{r.Pull}|{r.PullRequestedAt:O}",
            JsonSerializer.Deserialize<PullSpec>(r.Pull!, GatewayJson.Options)!, r.StreamKey));
    }

    private async Task PullAsync(Guid streamId, string plan, PullSpec pull, string streamKey, CancellationToken stop)
    {
        var host = ingest.Value.RtmpAddress is "0.0.0.0" or "::" or "" ? "127.0.0.1" : ingest.Value.RtmpAddress;
        var target = $"rtmp://{host}:{ingest.Value.RtmpPort}/live/{streamKey}";
        var backoff = TimeSpan.FromSeconds(1);
        while (!stop.IsCancellationRequested)
        {
            // A terminate drops the publish this pull made; it must not come straight back before the next look.
            if (!(await WantedAsync(stop, streamId)).TryGetValue(streamId, out var want) || want.Plan != plan)
            {
                return;
            }
            var started = clock.GetTimestamp();
            string outcome;
            if (!options.Value.AllowPrivateSources && !await TargetUrls.IsPublicAsync(pull.Source!, stop))
            {
                outcome = "the source's address is not a public one (Pull:AllowPrivateSources is off)";
            }
            else
            {
                await using var ffmpeg = FfmpegProcess.Start(ingest.Value.FfmpegPath, FfmpegArguments.Pull(pull.Source!, pull.Headers, target));
                try
                {
                    await ffmpeg.WaitForExitAsync(stop);
                    outcome = ffmpeg.StderrTail.Trim().Split('\n')[^1];
                }
                catch (OperationCanceledException)
                {
                    ffmpeg.Kill();
                    return;
                }
            }
            if (clock.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
            {
                backoff = TimeSpan.FromSeconds(1); // it ran a while: a drop, not a source that is down
            }
            logger.LogInformation("Pull of stream {StreamId} ended ({Outcome}); reading the source again in {Seconds} s",
                streamId, outcome.Replace(pull.Source!, "<source>", StringComparison.Ordinal).Replace(streamKey, "<key>", StringComparison.Ordinal),
                backoff.TotalSeconds);
            try
            {
                await Task.Delay(backoff, clock, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromSeconds(Math.Min(backoff.TotalSeconds * 2, options.Value.MaxRetrySeconds));
        }
    }
}
