using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Assets;

/// <summary>
/// Nothing stays stuck: every <see cref="AssetOptions.WatchdogSeconds"/> each gateway node looks for assets that
/// stopped moving. An upload left unfinished past <see cref="AssetOptions.UploadTimeoutSeconds"/> (a tus upload
/// abandoned half-way, a URL never used) fails and its partial file goes. Any other partial upload file on this node
/// that nobody has written for as long (its asset failed or deleted on another node, its writer's node killed) goes
/// too, unless a writer holds its upload or a job (an import) holds its asset. Processing or waiting with no progress for
/// <see cref="AssetOptions.StuckSeconds"/> (its job lost to a restart) is queued again once — finished chunks are
/// kept — and fails if it stops again. Each change is one conditional update, so nodes never act twice.
/// </summary>
public sealed class AssetWatchdog(IServiceScopeFactory scopes, IConnectionMultiplexer redis, IOptions<AssetOptions> options, TimeProvider clock,
    ILogger<AssetWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "The asset watchdog's sweep failed");
            }
            await Task.Delay(TimeSpan.FromSeconds(options.Value.WatchdogSeconds), clock, stoppingToken);
        }
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        var o = options.Value;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var now = clock.GetUtcNow();

        var uploadCutoff = now.AddSeconds(-o.UploadTimeoutSeconds);
        foreach (var id in await db.Assets.Where(a => a.Phase == AssetPhase.Uploading && a.DeletedAt == null && a.UpdatedAt < uploadCutoff)
                     .OrderBy(a => a.UpdatedAt).Select(a => a.Id).Take(100).ToListAsync(ct))
        {
            if (!await FailAsync(scope, id, AssetPhase.Uploading, uploadCutoff,
                    $"the upload was not finished within {o.UploadTimeoutSeconds} s; create the asset again and upload the whole file", ct))
            {
                continue;
            }
            var storage = scope.ServiceProvider.GetRequiredService<AssetStorage>();
            await storage.DeleteUploadPiecesAsync(id);
            var work = storage.WorkDir(id);
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }

        await RemoveAbandonedPartsAsync(uploadCutoff);

        var stuckCutoff = now.AddSeconds(-o.StuckSeconds);
        var stuck = await db.Assets.Where(a => (a.Phase == AssetPhase.Processing || a.Phase == AssetPhase.Waiting) && a.DeletedAt == null &&
                                               a.UpdatedAt < stuckCutoff)
            .OrderBy(a => a.UpdatedAt).Select(a => new { a.Id, a.Phase, a.SourceUrl, a.SourceType, a.Size }).Take(100).ToListAsync(ct);
        foreach (var asset in stuck)
        {
            var task = await db.Tasks.AsNoTracking().OfAsset(asset.Id).FirstOrDefaultAsync(ct);
            if (task is { Retries: >= 1 })
            {
                await FailAsync(scope, asset.Id, asset.Phase, stuckCutoff, "processing stopped and did not resume; upload the file again", ct);
                continue;
            }
            // Claim the restart: only the node whose update lands queues the job again.
            var claimed = await db.Assets.Where(a => a.Id == asset.Id && a.Phase == asset.Phase && a.UpdatedAt < stuckCutoff)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.UpdatedAt, now), ct);
            if (claimed == 0)
            {
                continue;
            }
            if (task is not null)
            {
                await db.Tasks.Where(t => t.Id == task.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.Retries, t => t.Retries + 1), ct);
            }
            var jobs = scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>();
            if (asset.Phase == AssetPhase.Waiting && asset.SourceUrl is not null && asset.Size is null)
            {
                jobs.Enqueue<ImportAsset>(job => job.RunAsync(asset.Id, CancellationToken.None));
            }
            else if (asset.Phase == AssetPhase.Waiting && asset.SourceType == "clip" && asset.Size is null)
            {
                jobs.Enqueue<ClipAsset>(job => job.RunAsync(asset.Id, CancellationToken.None));
            }
            else
            {
                jobs.Enqueue<ProcessAsset>(job => job.RunAsync(asset.Id, CancellationToken.None));
            }
            logger.LogWarning("Asset {Asset} made no progress for {Seconds} s while {Phase}; queued its job again", asset.Id, o.StuckSeconds, asset.Phase);
        }
        await RequeueStuckTranscodesAsync(scope, stuckCutoff, ct);
    }

    /// <summary>Deletes the partial upload files (<c>{WorkDir}/{asset}/*.part</c>) nobody has written since <paramref name="cutoff"/>.</summary>
    private async Task RemoveAbandonedPartsAsync(DateTimeOffset cutoff)
    {
        var root = Path.GetFullPath(options.Value.WorkDir);
        if (!Directory.Exists(root))
        {
            return;
        }
        foreach (var dir in Directory.EnumerateDirectories(root))
        {
            if (!Guid.TryParseExact(Path.GetFileName(dir), "N", out var assetId))
            {
                continue;
            }
            foreach (var part in Directory.EnumerateFiles(dir, "*.part"))
            {
                // A writer or a job (an import waiting on a slow server) that holds the asset may still finish the file.
                if (File.GetLastWriteTimeUtc(part) >= cutoff.UtcDateTime ||
                    await redis.GetDatabase().KeyExistsAsync([AssetLease.UploadKey(assetId), AssetLease.JobKey(assetId)]) > 0)
                {
                    continue;
                }
                File.Delete(part);
                logger.LogInformation("Deleted {File}: a partial upload nobody wrote to since {Cutoff}", part, cutoff);
            }
        }
    }

    /// <summary>
    /// A transcode task whose job stopped touching it (its node died) runs again once, from the start; if it stops
    /// again it fails, and its credentials go.
    /// </summary>
    private async Task RequeueStuckTranscodesAsync(AsyncServiceScope scope, DateTimeOffset cutoff, CancellationToken ct)
    {
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var stuck = await db.Tasks.Where(t => t.Type == TranscodeFile.TaskType && (t.Phase == "pending" || t.Phase == "running") && t.UpdatedAt < cutoff)
            .OrderBy(t => t.UpdatedAt).Select(t => new { t.Id, t.Retries }).Take(100).ToListAsync(ct);
        foreach (var task in stuck)
        {
            var now = clock.GetUtcNow();
            var claimed = await db.Tasks.Where(t => t.Id == task.Id && (t.Phase == "pending" || t.Phase == "running") && t.UpdatedAt < cutoff)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.UpdatedAt, now).SetProperty(t => t.Retries, t => t.Retries + 1), ct);
            if (claimed == 0)
            {
                continue;
            }
            if (task.Retries >= 1)
            {
                var row = await db.Tasks.FirstAsync(t => t.Id == task.Id, ct);
                await TranscodeFile.Fail(db, scope.ServiceProvider.GetRequiredService<AssetEvents>(), row,
                    "the transcode stopped and did not resume; submit it again", now, ct);
                logger.LogWarning("Transcode task {Task} stopped twice; it failed", task.Id);
                continue;
            }
            var id = task.Id;
            scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>().Enqueue<TranscodeFile>(job => job.RunAsync(id, CancellationToken.None));
            logger.LogWarning("Transcode task {Task} made no progress for {Seconds} s; queued its job again", id, options.Value.StuckSeconds);
        }
    }

    /// <returns>Whether this node failed it (false when it moved meanwhile or another node got there first).</returns>
    private async Task<bool> FailAsync(AsyncServiceScope scope, Guid id, string phase, DateTimeOffset cutoff, string message, CancellationToken ct)
    {
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var now = clock.GetUtcNow();
        // Claim it first: only the node whose update lands reports the failure. The message goes in with the phase, so
        // nobody reads a failed asset without its reason.
        var claimed = await db.Assets.Where(a => a.Id == id && a.Phase == phase && a.UpdatedAt < cutoff)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Phase, AssetPhase.Failed).SetProperty(a => a.ErrorMessage, message).SetProperty(a => a.UpdatedAt, now), ct);
        if (claimed == 0)
        {
            return false;
        }
        var asset = await db.Assets.FirstAsync(a => a.Id == id, ct);
        var task = await db.Tasks.OfAsset(id).FirstOrDefaultAsync(ct);
        await scope.ServiceProvider.GetRequiredService<AssetEvents>().FailAsync(db, asset, task, message, now, ct);
        logger.LogWarning("Asset {Asset} failed: {Error}", id, message);
        return true;
    }
}
