using StreamGateway.Core.Streams;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Sessions;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Core.Assets;

/// <summary>
/// A session of a stream with <c>record: true</c> becomes a recording asset when its publish ends: the asset has the
/// session's id (so the session finds its recording), starts <c>waiting</c> with <c>asset.created</c>,
/// <c>task.spawned</c> and <c>recording.waiting</c>, and <see cref="ProcessAsset"/> builds it from the renditions
/// already made live.
/// </summary>
public sealed class SessionRecordings(IServiceScopeFactory scopes, IBackgroundJobClient jobs, IOptions<GatewayUrlOptions> urls, TimeProvider clock,
    ILogger<SessionRecordings> logger) : Live.ILiveRecorder, ISessionRecordings
{
    public async Task RecordAsync(Guid sessionId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var events = scope.ServiceProvider.GetRequiredService<AssetEvents>();
        var session = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, ct);
        if (session is null || await db.Assets.AnyAsync(a => a.Id == sessionId, ct))
        {
            return;
        }
        var stream = await db.Streams.AsNoTracking().FirstAsync(s => s.Id == session.StreamId, ct);
        var now = clock.GetUtcNow();
        var asset = new Asset
        {
            Id = sessionId,
            ProjectId = session.ProjectId,
            UserId = session.UserId,
            Name = $"{stream.Name} {session.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC",
            PlaybackId = SecretKeys.NewPlaybackId(sessionId),
            Phase = AssetPhase.Waiting,
            UpdatedAt = now,
            SourceType = "recording",
            SourceSessionId = sessionId,
            SourceStreamId = stream.Id,
            SourcePlaybackId = stream.PlaybackId,
            StaticMp4 = true, // the session's mp4Url
            PlaybackPolicy = stream.PlaybackPolicy,
            CreatorId = stream.CreatorId,
            PublicBase = urls.Value.PublicBaseUrl?.TrimEnd('/') ?? stream.PublicBase,
            CreatedAt = now,
        };
        var task = new AssetTask
        {
            Id = Guid.CreateVersion7(),
            ProjectId = session.ProjectId,
            UserId = session.UserId,
            Type = "upload",
            OutputAssetId = sessionId,
            Params = JsonSerializer.Serialize(new { upload = new { sessionId = sessionId.ToString() } }, GatewayJson.Options),
            Phase = "waiting",
            UpdatedAt = now,
            CreatedAt = now,
        };
        db.Assets.Add(asset);
        db.Tasks.Add(task);
        var rows = new List<WebhookEvent>
        {
            events.Asset(db, "asset.created", asset, now),
            events.Task(db, "task.spawned", task, now),
            StreamEvents.Add(db, "recording.waiting", stream, now,
                new { session = SessionResource.From(session, now, Describe(asset, asset.PublicBase), withAssetId: true) }),
        };
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            if (await AlreadyMadeAsync(sessionId))
            {
                return; // another node ended the same session first
            }
            throw;
        }
        events.Publish(rows);
        jobs.Enqueue<ProcessAsset>(job => job.RunAsync(sessionId, CancellationToken.None));
        logger.LogInformation("Session {Session} ended; its recording is being made", sessionId);
    }

    public async Task<IReadOnlyDictionary<Guid, SessionRecording>> FindAsync(IReadOnlyCollection<Guid> sessionIds, string baseUrl,
        CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        return await db.Assets.AsNoTracking().Where(a => sessionIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => Describe(a, baseUrl), ct);
    }

    /// <summary>
    /// A recording asset as its session shows it: ready, failed, deleted, or waiting while it is made; its URLs only
    /// once it is ready.
    /// </summary>
    public static SessionRecording Describe(Asset recording, string? baseUrl)
    {
        var ready = recording is { Phase: AssetPhase.Ready, DeletedAt: null }
            ? AssetResource.From(recording, baseUrl ?? recording.PublicBase ?? "")
            : null;
        var status = recording switch
        {
            { DeletedAt: not null } or { Phase: AssetPhase.Deleted } => "deleted",
            { Phase: AssetPhase.Ready } => "ready",
            { Phase: AssetPhase.Failed } => "failed",
            _ => "waiting",
        };
        return new SessionRecording(recording.Id, status, ready?.PlaybackUrl, ready?.DownloadUrl);
    }

    private async Task<bool> AlreadyMadeAsync(Guid sessionId)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().Assets.AnyAsync(a => a.Id == sessionId);
    }
}
