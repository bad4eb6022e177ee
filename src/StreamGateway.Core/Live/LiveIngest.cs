using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;
using StreamGateway.Core.Live;
using StreamGateway.Core.Sessions;
using StreamGateway.Core.Streams;
using StreamGateway.Core.Webhooks;
using StreamGateway.Media.Rtmp;

namespace StreamGateway.Core.Live;

/// <summary>
/// Decides on each RTMP publish: the stream key must belong to a stream that is neither deleted nor suspended.
/// An accepted publish becomes a session (with <c>recording.started</c> when the stream records), opens a new
/// discontinuity in the stream's playlists, opens orchestrator sessions for its renditions ahead of its first segment,
/// replaces any other publisher of the stream, and gets a
/// <see cref="LiveSegmenter"/> that turns its media into segments. Unknown keys count against the peer's address
/// (<see cref="FailedKeyLimiter"/>); a blocked address is refused before any lookup.
/// </summary>
public sealed class LiveIngest(
    StreamKeys keys,
    FailedKeyLimiter failedKeys,
    IOptions<IngestOptions> options,
    LivePublishers publishers,
    LivePlaylists playlists,
    IServiceScopeFactory scopes,
    WebhookOutbox outbox,
    DurableWrites writes,
    LiveSegmenterFactory segmenters,
    LiveTranscoding transcoding,
    TimeProvider clock,
    ILogger<LiveIngest> logger)
{
    public async ValueTask<IRtmpPublishSink?> AuthorizeAsync(RtmpPublishRequest request, IPAddress remote,
        CancellationTokenSource connection, CancellationToken ct)
    {
        if (failedKeys.BlockedUntil(remote) is { } until)
        {
            logger.LogWarning("Refused a publish from {Address} without a lookup: too many unknown stream keys, blocked until {Until:O}",
                remote, until);
            return null;
        }
        var info = await keys.FindAsync(request.StreamName, ct);
        if (info is null || info.Deleted || info.Suspended)
        {
            // The key is a secret: log only why it was refused.
            logger.LogInformation("Refused a publish from {Address}: {Reason}", remote,
                info is null ? "unknown stream key" : info.Deleted ? "stream deleted" : "stream suspended");
            if (info is null && failedKeys.RecordFailure(remote))
            {
                logger.LogWarning(
                    "RTMP address {Address} refused for {Seconds} s: {Count} unknown stream keys within a minute (Ingest:MaxFailedKeysPerMinute)",
                    remote, options.Value.FailedKeyBlockSeconds, options.Value.MaxFailedKeysPerMinute);
            }
            return null;
        }

        var sessionId = Guid.CreateVersion7();
        // Every later write of the session queues behind this one, so the publish goes on while PostgreSQL is away
        // and the session, its events included, appears when it is back.
        var at = clock.GetUtcNow();
        _ = writes.Run(sessionId, "session start", write => CreateSessionAsync(info, sessionId, at, write));
        transcoding.Prepare(sessionId);
        await playlists.StartSessionAsync(info.PlaybackId, sessionId, info.ProjectId, info.PlaybackPolicy);
        await publishers.AddAsync(info.StreamId, sessionId, connection);
        logger.LogInformation("Publish started: stream {StreamId} session {SessionId}", info.StreamId, sessionId);
        return segmenters.Create(info, sessionId, connection);
    }

    private async Task CreateSessionAsync(StreamKeyInfo info, Guid sessionId, DateTimeOffset now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var session = new Session
        {
            Id = sessionId,
            StreamId = info.StreamId,
            ProjectId = info.ProjectId,
            UserId = info.UserId,
            Name = info.Name,
            PlaybackId = info.PlaybackId,
            Record = info.Record,
            Profiles = info.Profiles,
            RecordingSpec = info.RecordingSpec,
            CreatedAt = now,
        };
        db.Sessions.Add(session);
        await scope.ServiceProvider.GetRequiredService<StreamActivity>().ClaimAsync(info.StreamId, sessionId, ct);
        WebhookEvent? started = null;
        if (info.Record && await db.Streams.FindAsync([info.StreamId], ct) is { } stream)
        {
            started = StreamEvents.Add(db, "recording.started", stream, now, new { session = SessionResource.From(session, now) });
        }
        await db.SaveChangesAsync(ct);
        if (started is not null)
        {
            outbox.Publish(started);
        }
    }
}
