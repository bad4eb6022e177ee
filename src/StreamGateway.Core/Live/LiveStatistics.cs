using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Data;
using StreamGateway.Core.Streams;

namespace StreamGateway.Core.Live;

/// <summary>
/// The live counters a stream and its session both carry (studio-api §3.1, §3.10), each change one atomic update of
/// both rows: a source segment with the health it left, a transcoded segment, or a segment no orchestrator made.
/// Each is queued as a <see cref="DurableWrites"/> of the session, so the media path never waits for the database and a
/// database that is away for a while loses no count.
/// </summary>
public sealed class LiveStatistics(IServiceScopeFactory scopes, DurableWrites writes, StreamReadCache cache, TimeProvider clock)
{
    public void AddSource(Guid streamId, Guid sessionId, double duration, long bytes, IReadOnlyList<string> issues)
    {
        var now = clock.GetUtcNow();
        var rate = duration > 0 ? bytes / duration : 0;
        var healthy = issues.Count == 0;
        var issuesJson = healthy ? null : System.Text.Json.JsonSerializer.Serialize(issues);
        Both(streamId, sessionId, "source statistics", (db, ct) => AddSourceAsync(db.Streams.Where(s => s.Id == streamId), duration, bytes, rate, now, healthy, issuesJson),
            (db, ct) => AddSourceAsync(db.Sessions.Where(s => s.Id == sessionId), duration, bytes, rate, now, healthy, issuesJson));
    }

    public void AddTranscoded(Guid streamId, Guid sessionId, double duration, long bytes) =>
        Both(streamId, sessionId, "transcoded statistics", (db, ct) => AddTranscodedAsync(db.Streams.Where(s => s.Id == streamId), duration, bytes),
            (db, ct) => AddTranscodedAsync(db.Sessions.Where(s => s.Id == sessionId), duration, bytes));

    public void MarkUnhealthy(Guid streamId, Guid sessionId, string issue)
    {
        var issues = System.Text.Json.JsonSerializer.Serialize(new[] { issue });
        Both(streamId, sessionId, "health", (db, ct) => MarkUnhealthyAsync(db.Streams.Where(s => s.Id == streamId), issues),
            (db, ct) => MarkUnhealthyAsync(db.Sessions.Where(s => s.Id == sessionId), issues));
    }

    /// <summary>
    /// The stream's and the session's change in one transaction, so a retried write never counts twice on either; the
    /// stream's cached answer is forgotten once it commits.
    /// </summary>
    private void Both(Guid streamId, Guid sessionId, string what, Func<GatewayDbContext, CancellationToken, Task<int>> stream,
        Func<GatewayDbContext, CancellationToken, Task<int>> session) =>
        _ = writes.Run(sessionId, what, async ct =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await stream(db, ct);
            await session(db, ct);
            await tx.CommitAsync(ct);
            cache.Forget(streamId);
        });

    private static Task<int> AddSourceAsync<T>(IQueryable<T> rows, double duration, long bytes, double rate,
        DateTimeOffset now, bool healthy, string? issuesJson) where T : class, ILiveCounters =>
        rows.ExecuteUpdateAsync(s => s
            .SetProperty(x => x.SourceSegments, x => x.SourceSegments + 1)
            .SetProperty(x => x.SourceSegmentsDuration, x => x.SourceSegmentsDuration + duration)
            .SetProperty(x => x.SourceBytes, x => x.SourceBytes + bytes)
            .SetProperty(x => x.IngestRate, rate)
            .SetProperty(x => x.LastSeen, now)
            .SetProperty(x => x.IsHealthy, healthy)
            .SetProperty(x => x.Issues, issuesJson));

    private static Task<int> AddTranscodedAsync<T>(IQueryable<T> rows, double duration, long bytes) where T : class, ILiveCounters =>
        rows.ExecuteUpdateAsync(s => s
            .SetProperty(x => x.TranscodedSegments, x => x.TranscodedSegments + 1)
            .SetProperty(x => x.TranscodedSegmentsDuration, x => x.TranscodedSegmentsDuration + duration)
            .SetProperty(x => x.TranscodedBytes, x => x.TranscodedBytes + bytes));

    private static Task<int> MarkUnhealthyAsync<T>(IQueryable<T> rows, string issues) where T : class, ILiveCounters =>
        rows.ExecuteUpdateAsync(s => s.SetProperty(x => x.IsHealthy, false).SetProperty(x => x.Issues, issues));
}
