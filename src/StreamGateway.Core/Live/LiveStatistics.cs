using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Data;
using StreamGateway.Core.Streams;

namespace StreamGateway.Core.Live;

/// <summary>
/// The live counters a stream and its session both carry (studio-api §3.1, §3.10), each change one atomic update of
/// both rows: a source segment with the health it left, a transcoded segment, or a segment no orchestrator made.
/// </summary>
public sealed class LiveStatistics(IServiceScopeFactory scopes, TimeProvider clock)
{
    public async Task AddSourceAsync(Guid streamId, Guid sessionId, double duration, long bytes, IReadOnlyList<string> issues)
    {
        var now = clock.GetUtcNow();
        var rate = duration > 0 ? bytes / duration : 0;
        var healthy = issues.Count == 0;
        var issuesJson = healthy ? null : System.Text.Json.JsonSerializer.Serialize(issues);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        await AddSourceAsync(db.Streams.Where(s => s.Id == streamId), duration, bytes, rate, now, healthy, issuesJson);
        await AddSourceAsync(db.Sessions.Where(s => s.Id == sessionId), duration, bytes, rate, now, healthy, issuesJson);
    }

    public async Task AddTranscodedAsync(Guid streamId, Guid sessionId, double duration, long bytes)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        await AddTranscodedAsync(db.Streams.Where(s => s.Id == streamId), duration, bytes);
        await AddTranscodedAsync(db.Sessions.Where(s => s.Id == sessionId), duration, bytes);
    }

    public async Task MarkUnhealthyAsync(Guid streamId, Guid sessionId, string issue)
    {
        var issues = System.Text.Json.JsonSerializer.Serialize(new[] { issue });
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        await MarkUnhealthyAsync(db.Streams.Where(s => s.Id == streamId), issues);
        await MarkUnhealthyAsync(db.Sessions.Where(s => s.Id == sessionId), issues);
    }

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
