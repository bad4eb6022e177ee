using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Viewership;

/// <summary>
/// Studio's viewership API (<c>sdk.metrics</c>): <c>/data/views/now</c>, <c>/data/views/query</c>,
/// <c>/data/views/query/creator</c> and <c>/data/views/query/total/{playbackId}</c>, answered from the hourly rollups
/// and the sessions not rolled up yet; and <c>POST /analytics/log</c>, where players report (the Livepeer player's
/// own report format).
/// </summary>
public static class ViewEndpoints
{
    private const int NowWindowSeconds = 30;
    private const int MaxIdLength = 128;

    private static readonly string[] QueryBreakdowns =
        ["playbackId", "deviceType", "device", "cpu", "os", "browser", "browserEngine", "continent", "country", "subdivision", "timezone", "geohash",
            "viewerId", "creatorId"];

    private static readonly string[] NowBreakdowns = ["playbackId", "device", "browser", "country"];

    public static RouteGroupBuilder MapViewership(this RouteGroupBuilder api)
    {
        var views = api.MapGroup("/data/views").WithTags("Metrics");
        views.MapGet("/now", NowAsync).WithName("getRealtimeViewershipNow").Produces<JsonArray>()
            .WithSummary("Viewers watching now (seen in the last 30 s), optionally by playbackId, device, browser or country");
        views.MapGet("/query", (HttpContext http, GatewayDbContext db, CancellationToken ct) => QueryAsync(http, db, creator: false, ct))
            .WithName("getViewershipMetrics").Produces<JsonArray>()
            .WithSummary("Views, playtime and quality of experience over a time range, by time step and breakdown");
        views.MapGet("/query/creator", (HttpContext http, GatewayDbContext db, CancellationToken ct) => QueryAsync(http, db, creator: true, ct))
            .WithName("getCreatorViewershipMetrics").Produces<JsonArray>()
            .WithSummary("The same for one asset or stream (assetId or streamId is required)");
        return api;
    }

    /// <summary>
    /// What a viewer's page may ask without a key, as Studio allows: the players' report endpoint, and a playback id's
    /// all-time views (<c>/api/data/views/query/total/{playbackId}</c>, which with a key answers only for its project).
    /// </summary>
    public static WebApplication MapViewerReports(this WebApplication app)
    {
        app.MapGet("/api/data/views/query/total/{playbackId}", TotalAsync).WithTags("Metrics").WithName("getPublicViewershipMetrics")
            .Produces<JsonObject>().Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .WithSummary("All-time views and playtime of one playback id; no key needed, and with a key only the key's project's ids");
        app.MapPost("/analytics/log", ReportAsync).WithTags("Metrics").WithName("reportPlayback").ExcludeFromDescription();
        app.MapMethods("/analytics/log", ["OPTIONS"], (HttpContext http) =>
        {
            AllowAnyOrigin(http);
            http.Response.Headers.AccessControlAllowMethods = "POST, OPTIONS";
            http.Response.Headers.AccessControlAllowHeaders = "content-type";
            http.Response.Headers.AccessControlMaxAge = "86400";
            return TypedResults.NoContent();
        }).ExcludeFromDescription();
        return app;
    }

    private static void AllowAnyOrigin(HttpContext http) => http.Response.Headers.AccessControlAllowOrigin = "*";

    /// <summary>
    /// One report of the Livepeer player (<c>{session_id, playback_id, uid, events: [...]}</c>): its heartbeats' time
    /// playing and stalled and errors, its first-frame time, and error events, added to the viewer's session. Events
    /// are counted once by their id, so a report the player sends again after a lost answer adds nothing.
    /// </summary>
    private static async Task<IResult> ReportAsync(HttpContext http, ViewTracker tracker, GatewayDbContext db, IConnectionMultiplexer redis,
        IOptions<ViewershipOptions> options, CancellationToken ct)
    {
        AllowAnyOrigin(http);
        var o = options.Value;
        if (http.Request.ContentLength > o.MaxReportBytes)
        {
            return ApiError.PayloadTooLarge($"a report is at most {o.MaxReportBytes} bytes");
        }
        using var body = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await http.Request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > o.MaxReportBytes)
            {
                return ApiError.PayloadTooLarge($"a report is at most {o.MaxReportBytes} bytes");
            }
            body.Write(buffer, 0, read);
        }
        JsonObject? report;
        try
        {
            report = JsonNode.Parse(body.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = 8 }) as JsonObject;
        }
        catch (JsonException)
        {
            report = null;
        }
        if (report is null || Text(report, "playback_id") is not { Length: > 0 and <= MaxIdLength } playbackId ||
            Text(report, "session_id") is not { Length: > 0 and <= MaxIdLength } sessionId)
        {
            return ApiError.BadRequest("a report is a JSON object with playback_id and session_id (at most 128 characters each) and events");
        }
        if (await tracker.ContentAsync(db, playbackId) is null)
        {
            return ApiError.NotFound("no such playback id");
        }
        var events = (report["events"] as JsonArray ?? []).OfType<JsonObject>().Take(o.MaxEventsPerReport).ToList();
        var ids = events.Select(e => Text(e, "id") is { Length: > 0 and <= MaxIdLength } id ? id : null).ToList();
        var fresh = await FreshAsync(redis, $"sg:view:report:{playbackId}:{sessionId}", ids, o.SessionGapSeconds);
        long played = 0, stalled = 0;
        int errors = 0;
        int? ttff = null;
        var started = false;
        for (var i = 0; i < events.Count; i++)
        {
            if (!fresh[i])
            {
                continue;
            }
            var e = events[i];
            switch (Text(e, "type"))
            {
                case "heartbeat":
                    // One heartbeat covers the few seconds since the last; more than ten minutes of either is not one.
                    played += Clamp(Number(e, "time_playing_ms"), 600_000);
                    stalled += Clamp(Number(e, "time_stalled_ms"), 600_000);
                    errors += (int)Clamp(Number(e, "errors"), 1000);
                    if ((Number(e, "play_to_first_frame_ms") ?? Number(e, "mount_to_first_frame_ms")) is { } first and >= 0 and < 600_000)
                    {
                        ttff ??= (int)first;
                    }
                    started |= Number(e, "time_playing_ms") > 0;
                    break;
                case "first-frame":
                    started = true;
                    break;
                case "error":
                    errors++;
                    break;
            }
        }
        var viewerId = Text(report, "uid") is { Length: > 0 and <= MaxIdLength } uid ? uid : null;
        tracker.Reported(http, playbackId, new PlayerReport(played, stalled, errors, ttff, started, viewerId));
        return TypedResults.NoContent();
    }

    /// <summary>For each event id, whether it is new in this session (an event without an id always counts).</summary>
    private static async Task<bool[]> FreshAsync(IConnectionMultiplexer redis, string key, List<string?> ids, int ttlSeconds)
    {
        var db = redis.GetDatabase();
        var batch = db.CreateBatch();
        var adds = ids.Select(id => id is null ? null : batch.SetAddAsync(key, id)).ToList();
        var expire = batch.KeyExpireAsync(key, TimeSpan.FromSeconds(ttlSeconds));
        batch.Execute();
        await expire;
        var fresh = new bool[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            fresh[i] = adds[i] is not { } add || await add;
        }
        return fresh;
    }

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static double? Number(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d) ? d : null;

    private static long Clamp(double? value, long max) => value is { } v ? (long)Math.Clamp(v, 0, max) : 0;

    private static async Task<IResult> NowAsync(HttpContext http, GatewayDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (Breakdowns(http.Request, NowBreakdowns) is not { } by)
        {
            return ApiError.BadRequest($"breakdownBy: each must be one of {string.Join(", ", NowBreakdowns)}");
        }
        var caller = Caller.From(http);
        var since = clock.GetUtcNow().AddSeconds(-NowWindowSeconds);
        var query = db.Set<ViewSession>().AsNoTracking().Where(s => s.ProjectId == caller.ProjectId && s.LastSeenAt > since);
        if (http.Request.Query["playbackId"].ToString() is { Length: > 0 } playbackId)
        {
            query = query.Where(s => s.PlaybackId == playbackId);
        }
        if (http.Request.Query["creatorId"].ToString() is { Length: > 0 } creatorId)
        {
            query = query.Where(s => s.CreatorId == creatorId);
        }
        var sessions = await query.Select(s => new { s.PlaybackId, s.Device, s.Browser, s.Country, s.Errors }).ToListAsync(ct);
        var rows = sessions.GroupBy(s => (
                P: by.Contains("playbackId") ? s.PlaybackId : null, D: by.Contains("device") ? s.Device : null,
                B: by.Contains("browser") ? s.Browser : null, C: by.Contains("country") ? s.Country : null))
            .Select(g => Shape(new JsonObject
            {
                ["playbackId"] = g.Key.P, ["device"] = g.Key.D, ["browser"] = g.Key.B, ["country"] = g.Key.C,
                ["viewCount"] = g.Count(),
                ["errorRate"] = Math.Round((double)g.Count(s => s.Errors > 0) / g.Count(), 4),
            }))
            .ToList();
        if (rows.Count == 0 && by.Count == 0)
        {
            rows.Add(new JsonObject { ["viewCount"] = 0, ["errorRate"] = 0.0 });
        }
        return TypedResults.Ok(new JsonArray([.. rows]));
    }

    /// <summary>One group of viewing: counts and sums that add up across hours and sessions.</summary>
    private sealed record Row(DateTimeOffset At, string PlaybackId, string CreatorId, string? ViewerId, string DeviceType, string Device, string Os,
        string Browser, string BrowserEngine, string Country, long Sessions, long Views, long PlaytimeMs, long TtffSum, long TtffCount, long RebufferMs,
        long ErrorSessions);

    private static async Task<IResult> QueryAsync(HttpContext http, GatewayDbContext db, bool creator, CancellationToken ct)
    {
        var q = http.Request.Query;
        var allowed = creator ? QueryBreakdowns.Where(b => b is not "playbackId" and not "creatorId" and not "geohash").ToArray() : QueryBreakdowns;
        if (Breakdowns(http.Request, allowed) is not { } by)
        {
            return ApiError.BadRequest($"breakdownBy: each must be one of {string.Join(", ", allowed)}");
        }
        if (!TryTime(q["from"], out var from) || !TryTime(q["to"], out var to))
        {
            return ApiError.BadRequest("from and to: Unix milliseconds or an ISO 8601 date");
        }
        var step = q["timeStep"].ToString();
        if (step.Length > 0 && step is not ("hour" or "day" or "week" or "month" or "year"))
        {
            return ApiError.BadRequest("timeStep: one of hour, day, week, month, year");
        }
        Guid? assetId = null, streamId = null;
        if (q["assetId"].ToString() is { Length: > 0 } a)
        {
            assetId = Guid.TryParse(a, out var id) ? id : Guid.Empty;
        }
        if (q["streamId"].ToString() is { Length: > 0 } s)
        {
            streamId = Guid.TryParse(s, out var id) ? id : Guid.Empty;
        }
        if (creator && assetId is null && streamId is null)
        {
            return ApiError.BadRequest("assetId or streamId is required");
        }
        var caller = Caller.From(http);
        var playbackId = q["playbackId"].ToString() is { Length: > 0 } p ? p : null;
        var creatorId = q["creatorId"].ToString() is { Length: > 0 } c ? c : null;
        var rows = await RowsAsync(db, caller.ProjectId, playbackId, assetId, streamId, creatorId, from, to, byViewer: by.Contains("viewerId"), ct);
        var metrics = rows
            .GroupBy(r => (At: step.Length > 0 ? Bucket(r.At, step) : (DateTimeOffset?)null, Key: string.Join('\n', by.Select(b => Dimension(r, b)))))
            .OrderBy(g => g.Key.At).ThenBy(g => g.Key.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var first = g.First();
                var m = new JsonObject();
                foreach (var b in by)
                {
                    m[b] = Dimension(first, b);
                }
                if (g.Key.At is { } at)
                {
                    m["timestamp"] = at.ToUnixTimeMilliseconds();
                }
                var sessions = g.Sum(r => r.Sessions);
                var views = g.Sum(r => r.Views);
                var played = g.Sum(r => r.PlaytimeMs);
                var ttffCount = g.Sum(r => r.TtffCount);
                m["viewCount"] = views;
                m["playtimeMins"] = Math.Round(played / 60_000.0, 3);
                if (ttffCount > 0)
                {
                    m["ttffMs"] = Math.Round((double)g.Sum(r => r.TtffSum) / ttffCount, 1);
                }
                m["rebufferRatio"] = played > 0 ? Math.Round((double)g.Sum(r => r.RebufferMs) / played, 4) : 0;
                m["errorRate"] = sessions > 0 ? Math.Round((double)g.Sum(r => r.ErrorSessions) / sessions, 4) : 0;
                m["exitsBeforeStart"] = sessions > 0 ? Math.Round((double)(sessions - views) / sessions, 4) : 0;
                return m;
            })
            .ToList();
        return TypedResults.Ok(new JsonArray([.. metrics]));
    }

    private static async Task<IResult> TotalAsync(string playbackId, HttpContext http, GatewayDbContext db, ViewTracker tracker,
        ApiKeyAuthentication keys, CancellationToken ct)
    {
        AllowAnyOrigin(http);
        Guid? projectId = null;
        if (http.Request.Headers.Authorization.Count > 0)
        {
            var (caller, error) = await keys.AuthenticateAsync(http);
            if (caller is null)
            {
                return ApiError.Unauthorized(error ?? "invalid API key");
            }
            projectId = caller.ProjectId;
        }
        if (playbackId.Length > MaxIdLength || await tracker.ContentAsync(db, playbackId) is not { } content ||
            (projectId is { } p && content.ProjectId != p))
        {
            return ApiError.NotFound("not found");
        }
        var rows = await RowsAsync(db, content.ProjectId, playbackId, null, null, null, null, null, byViewer: false, ct);
        return TypedResults.Ok(new JsonObject
        {
            ["playbackId"] = playbackId,
            ["viewCount"] = rows.Sum(r => r.Views),
            ["playtimeMins"] = Math.Round(rows.Sum(r => r.PlaytimeMs) / 60_000.0, 3),
        });
    }

    /// <summary>
    /// The project's viewing in the range: hourly rollups plus the sessions not rolled up yet, or every session kept
    /// when the viewer's id is asked for (the rollups do not keep it).
    /// </summary>
    private static async Task<List<Row>> RowsAsync(GatewayDbContext db, Guid projectId, string? playbackId, Guid? assetId, Guid? streamId,
        string? creatorId, DateTimeOffset? from, DateTimeOffset? to, bool byViewer, CancellationToken ct)
    {
        var sessions = db.Set<ViewSession>().AsNoTracking().Where(s => s.ProjectId == projectId);
        if (!byViewer)
        {
            sessions = sessions.Where(s => !s.RolledUp);
        }
        if (playbackId is not null)
        {
            sessions = sessions.Where(s => s.PlaybackId == playbackId);
        }
        if (assetId is { } a)
        {
            sessions = sessions.Where(s => s.AssetId == a);
        }
        if (streamId is { } st)
        {
            sessions = sessions.Where(s => s.StreamId == st);
        }
        if (creatorId is not null)
        {
            sessions = sessions.Where(s => s.CreatorId == creatorId);
        }
        if (from is { } f)
        {
            sessions = sessions.Where(s => s.StartedAt >= f);
        }
        if (to is { } t)
        {
            sessions = sessions.Where(s => s.StartedAt < t);
        }
        var rows = (await sessions.ToListAsync(ct)).Select(s => new Row(s.StartedAt, s.PlaybackId, s.CreatorId ?? "", s.ViewerId, s.DeviceType,
            s.Device, s.Os, s.Browser, s.BrowserEngine, s.Country, 1, s.Started ? 1 : 0, s.PlaytimeMs, s.TtffMs ?? 0, s.TtffMs is null ? 0 : 1,
            s.RebufferMs, s.Errors > 0 ? 1 : 0)).ToList();
        if (byViewer)
        {
            return rows;
        }
        var hours = db.Set<ViewHour>().AsNoTracking().Where(h => h.ProjectId == projectId);
        if (playbackId is not null)
        {
            hours = hours.Where(h => h.PlaybackId == playbackId);
        }
        if (assetId is { } ha)
        {
            hours = hours.Where(h => h.AssetId == ha);
        }
        if (streamId is { } hs)
        {
            hours = hours.Where(h => h.StreamId == hs);
        }
        if (creatorId is not null)
        {
            hours = hours.Where(h => h.CreatorId == creatorId);
        }
        if (from is { } hf)
        {
            var start = new DateTimeOffset(hf.UtcDateTime.Date.AddHours(hf.UtcDateTime.Hour), TimeSpan.Zero);
            hours = hours.Where(h => h.Hour >= start);
        }
        if (to is { } ht)
        {
            hours = hours.Where(h => h.Hour < ht);
        }
        rows.AddRange((await hours.ToListAsync(ct)).Select(h => new Row(h.Hour, h.PlaybackId, h.CreatorId, null, h.DeviceType, h.Device, h.Os,
            h.Browser, h.BrowserEngine, h.Country, h.Sessions, h.Views, h.PlaytimeMs, h.TtffMsSum, h.TtffCount, h.RebufferMs, h.ErrorSessions)));
        return rows;
    }

    /// <summary>A breakdown's value in a row; dimensions the gateway does not know (cpu, continent, subdivision, timezone, geohash) are empty.</summary>
    private static string? Dimension(Row r, string breakdown) => breakdown switch
    {
        "playbackId" => r.PlaybackId,
        "creatorId" => r.CreatorId,
        "viewerId" => r.ViewerId ?? "",
        "deviceType" => r.DeviceType,
        "device" => r.Device,
        "os" => r.Os,
        "browser" => r.Browser,
        "browserEngine" => r.BrowserEngine,
        "country" => r.Country,
        _ => "",
    };

    /// <summary>The start (UTC) of the time step <paramref name="at"/> falls in; weeks start on Monday.</summary>
    public static DateTimeOffset Bucket(DateTimeOffset at, string step)
    {
        var t = at.UtcDateTime;
        var day = new DateTimeOffset(t.Date, TimeSpan.Zero);
        return step switch
        {
            "hour" => day.AddHours(t.Hour),
            "day" => day,
            "week" => day.AddDays(-(((int)t.DayOfWeek + 6) % 7)),
            "month" => new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => new DateTimeOffset(t.Year, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
    }

    /// <summary>Unix milliseconds or an ISO 8601 date; empty is no bound.</summary>
    public static bool TryTime(string? value, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }
        if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) && ms is >= 0 and < 253_402_300_800_000)
        {
            time = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            return true;
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }
        return false;
    }

    /// <summary>The breakdowns asked for (<c>breakdownBy</c> or <c>breakdownBy[]</c>, repeated); null when one is not allowed.</summary>
    private static List<string>? Breakdowns(HttpRequest request, string[] allowed)
    {
        var asked = request.Query["breakdownBy"].Concat(request.Query["breakdownBy[]"])
            .SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
        return asked.All(allowed.Contains) ? asked : null;
    }

    /// <summary>Leaves out the breakdowns not asked for (null), as Studio's rows carry only those asked for.</summary>
    private static JsonObject Shape(JsonObject o)
    {
        foreach (var name in o.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            o.Remove(name);
        }
        return o;
    }
}
