using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Live;

/// <summary>
/// A live session whose gateway node died (no media for <see cref="IngestOptions.LostSessionSeconds"/> and no
/// publisher on this node) is ended as its publish would have been, so the stream goes idle and a recorded session
/// still becomes a recording. Every node sweeps; <see cref="LiveSessionEnd"/> claims each session once.
/// </summary>
public sealed class LostSessionSweep(IServiceScopeFactory scopes, LivePublishers publishers, LiveSessionEnd end, IOptions<IngestOptions> options,
    TimeProvider clock, ILogger<LostSessionSweep> logger) : BackgroundService
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
                logger.LogWarning(e, "The lost-session sweep failed");
            }
            await Task.Delay(TimeSpan.FromSeconds(options.Value.LostSessionSweepSeconds), clock, stoppingToken);
        }
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var cutoff = clock.GetUtcNow().AddSeconds(-options.Value.LostSessionSeconds);
        var lost = await db.Sessions.AsNoTracking().Where(s => s.EndedAt == null && (s.LastSeen ?? s.CreatedAt) < cutoff)
            .OrderBy(s => s.CreatedAt).Take(100).ToListAsync(ct);
        foreach (var session in lost.Where(s => !publishers.Holds(s.Id)))
        {
            var ended = session.LastSeen ?? session.CreatedAt;
            if (await end.EndAsync(new EndingSession(session.StreamId, session.Id, session.PlaybackId, session.Record, session.SourceSegments > 0, ended),
                    claim: true, ct))
            {
                logger.LogWarning("Session {Session} stopped without an end (its gateway node went away); ended it as of {Ended}", session.Id, ended);
            }
        }
    }
}
