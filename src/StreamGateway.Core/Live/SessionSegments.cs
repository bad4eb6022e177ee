using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Live;

/// <summary>
/// Every segment a session stored, per rendition, whatever the live window still lists, and the ladder it was
/// transcoded to: what a recording is made from (without transcoding again) and what clips are cut from. Kept in
/// PostgreSQL, written through <see cref="DurableWrites"/> so that neither a Redis flush nor a database outage
/// during the publish loses a segment. Segment files are named <c>{last 12 hex of the session id}_{index}.ts</c>
/// in every rendition.
/// </summary>
public sealed class SessionSegments(IServiceScopeFactory scopes, DurableWrites writes)
{
    /// <summary>Queues the segment's row; a segment settled twice keeps its first row.</summary>
    public Task AddAsync(Guid sessionId, string rendition, LoggedSegment segment) =>
        writes.Run(sessionId, "segment log", async ct =>
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().Database.ExecuteSqlAsync($"""
                INSERT INTO session_segments ("SessionId", "Rendition", "Index", "Duration", "StartMs", "Bytes", "Width", "Height", "Codecs")
                VALUES ({sessionId}, {rendition}, {segment.Index}, {segment.Duration}, {segment.StartMs}, {segment.Bytes},
                        {segment.Width}, {segment.Height}, {segment.Codecs})
                ON CONFLICT DO NOTHING
                """, ct);
        });

    /// <summary>Queued behind the session's start, which every write of the session follows.</summary>
    public Task SetLadderAsync(Guid sessionId, SessionLadder ladder)
    {
        var json = JsonSerializer.Serialize(ladder);
        return writes.Run(sessionId, "session ladder", async ct =>
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().Sessions.Where(s => s.Id == sessionId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Ladder, json), ct);
        });
    }

    public async Task<SessionLadder?> LadderAsync(Guid sessionId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var json = await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().Sessions.AsNoTracking()
            .Where(s => s.Id == sessionId).Select(s => s.Ladder).FirstOrDefaultAsync();
        return json is null ? null : JsonSerializer.Deserialize<SessionLadder>(json);
    }

    /// <summary>The rendition's segments in order, one per index.</summary>
    public async Task<IReadOnlyList<LoggedSegment>> ReadAsync(Guid sessionId, string rendition)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().SessionSegments.AsNoTracking()
            .Where(s => s.SessionId == sessionId && s.Rendition == rendition)
            .OrderBy(s => s.Index)
            .Select(s => new LoggedSegment(s.Index, s.Duration, s.StartMs, s.Bytes, s.Width, s.Height, s.Codecs))
            .ToListAsync();
    }
}
