using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Viewership;

/// <summary>
/// Every <see cref="ViewershipOptions.RollupSeconds"/>, on every node, sessions quiet for the session gap are counted
/// into <see cref="ViewHour"/> rows in one statement that marks them rolled up (rows locked by another node are
/// skipped, so nodes never count a session twice). Rolled-up sessions older than
/// <see cref="ViewershipOptions.RetainSessionsDays"/> are deleted; their hours stay.
/// </summary>
public sealed class ViewRollup(IServiceScopeFactory scopes, IOptions<ViewershipOptions> options, TimeProvider clock, ILogger<ViewRollup> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(options.Value.RollupSeconds), clock, stoppingToken);
                await RollUpAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e) when (e is DbUpdateException or Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
            {
                logger.LogWarning("Rolling up viewership failed (next time): {Error}", e.Message);
            }
        }
    }

    /// <returns>The sessions rolled up.</returns>
    public async Task<int> RollUpAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var ended = now.AddSeconds(-o.SessionGapSeconds);
        var expired = now.AddDays(-o.RetainSessionsDays);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var rolled = await db.Database.ExecuteSqlAsync($"""
            WITH ended AS (
              UPDATE view_sessions SET "RolledUp" = true
              WHERE "Id" IN (SELECT "Id" FROM view_sessions WHERE NOT "RolledUp" AND "LastSeenAt" < {ended}
                             ORDER BY "LastSeenAt" LIMIT 10000 FOR UPDATE SKIP LOCKED)
              RETURNING *)
            INSERT INTO view_hours ("ProjectId", "Hour", "PlaybackId", "StreamId", "AssetId", "CreatorId", "DeviceType", "Device", "Os", "Browser",
              "BrowserEngine", "Country", "Sessions", "Views", "PlaytimeMs", "TtffMsSum", "TtffCount", "RebufferMs", "ErrorSessions")
            SELECT "ProjectId", date_trunc('hour', "StartedAt", 'UTC'), "PlaybackId", "StreamId", "AssetId", COALESCE("CreatorId", ''), "DeviceType",
              "Device", "Os", "Browser", "BrowserEngine", "Country", count(*), count(*) FILTER (WHERE "Started"), sum("PlaytimeMs"),
              COALESCE(sum("TtffMs"), 0), count("TtffMs"), sum("RebufferMs"), count(*) FILTER (WHERE "Errors" > 0)
            FROM ended
            GROUP BY "ProjectId", date_trunc('hour', "StartedAt", 'UTC'), "PlaybackId", "StreamId", "AssetId", COALESCE("CreatorId", ''), "DeviceType",
              "Device", "Os", "Browser", "BrowserEngine", "Country"
            ON CONFLICT ("ProjectId", "Hour", "PlaybackId", "CreatorId", "DeviceType", "Device", "Os", "Browser", "BrowserEngine", "Country") DO UPDATE SET
              "Sessions" = view_hours."Sessions" + excluded."Sessions",
              "Views" = view_hours."Views" + excluded."Views",
              "PlaytimeMs" = view_hours."PlaytimeMs" + excluded."PlaytimeMs",
              "TtffMsSum" = view_hours."TtffMsSum" + excluded."TtffMsSum",
              "TtffCount" = view_hours."TtffCount" + excluded."TtffCount",
              "RebufferMs" = view_hours."RebufferMs" + excluded."RebufferMs",
              "ErrorSessions" = view_hours."ErrorSessions" + excluded."ErrorSessions"
            """, ct);
        await db.Database.ExecuteSqlAsync($"""DELETE FROM view_sessions WHERE "RolledUp" AND "LastSeenAt" < {expired}""", ct);
        return rolled;
    }
}
