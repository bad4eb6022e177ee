using StreamGateway.Core.Streams;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Data;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Core.Streams;

/// <summary>
/// The one place that flips a stream between live and idle. The stream row is locked for the change, and the
/// <c>stream.started</c> / <c>stream.idle</c> event is written to the outbox in the same transaction.
/// A session that ends after a newer one took over (a publisher reconnect) leaves the stream live.
/// </summary>
public sealed class StreamActivity(GatewayDbContext db, WebhookOutbox outbox, TimeProvider clock)
{
    /// <summary>
    /// Makes <paramref name="sessionId"/> the stream's publishing session before it has media, so that the end of
    /// the session it replaces (an encoder reconnect) does not flap the stream idle.
    /// </summary>
    public Task ClaimAsync(Guid streamId, Guid sessionId, CancellationToken ct) =>
        db.Streams.Where(s => s.Id == streamId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ActiveSessionId, sessionId), ct);

    /// <returns>False when the stream does not exist or is deleted.</returns>
    public Task<bool> MarkActiveAsync(Guid streamId, Guid? sessionId, DateTimeOffset? since, CancellationToken ct) =>
        ChangeAsync(streamId, stream =>
        {
            stream.ActiveSessionId = sessionId ?? stream.ActiveSessionId;
            stream.LastSeen = since ?? clock.GetUtcNow();
            return true;
        }, ct);

    /// <param name="sessionId">The session that ended; null to force the stream idle (the admin hook).</param>
    public Task<bool> MarkIdleAsync(Guid streamId, Guid? sessionId, CancellationToken ct) =>
        ChangeAsync(streamId, stream =>
        {
            if (sessionId is not null && stream.ActiveSessionId is { } current && current != sessionId)
            {
                return stream.IsActive; // a newer session publishes now
            }
            stream.ActiveSessionId = null;
            stream.LastSeen = clock.GetUtcNow();
            return false;
        }, ct);

    private async Task<bool> ChangeAsync(Guid streamId, Func<LiveStream, bool> apply, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var stream = await db.Streams
            .FromSql($"SELECT * FROM streams WHERE \"Id\" = {streamId} AND NOT \"Deleted\" FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (stream is null)
        {
            return false;
        }
        var wasActive = stream.IsActive;
        stream.IsActive = apply(stream);
        var row = stream.IsActive == wasActive
            ? null
            : StreamEvents.Add(db, stream.IsActive ? WebhookEvents.StreamStarted : WebhookEvents.StreamIdle, stream, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (row is not null)
        {
            outbox.Publish(row);
        }
        return true;
    }
}
