using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Viewership;

/// <summary>Viewership counting (section <c>Viewership</c>).</summary>
public sealed class ViewershipOptions
{
    public const string Section = "Viewership";

    public bool Enabled { get; set; } = true;

    /// <summary>How often each node writes what it saw into PostgreSQL.</summary>
    [Range(1, 300)]
    public int FlushSeconds { get; set; } = 5;

    /// <summary>A viewer quiet this long has ended its session; coming back starts a new view.</summary>
    [Range(30, 86_400)]
    public int SessionGapSeconds { get; set; } = 1800;

    /// <summary>How often ended sessions are rolled up into hourly rows.</summary>
    [Range(1, 3600)]
    public int RollupSeconds { get; set; } = 60;

    /// <summary>Sessions themselves (the only source of the viewerId breakdown) are kept this long after they are rolled up.</summary>
    [Range(1, 3650)]
    public int RetainSessionsDays { get; set; } = 30;

    /// <summary>Viewers one node keeps counts for between writes; beyond it, new viewers are not counted until the next write.</summary>
    [Range(100, 10_000_000)]
    public int MaxTrackedViewers { get; set; } = 100_000;

    /// <summary>A player report's body (<c>POST /analytics/log</c>); larger ones get 413.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxReportBytes { get; set; } = 64 * 1024;

    /// <summary>Events read from one report; the rest are ignored.</summary>
    [Range(1, 10_000)]
    public int MaxEventsPerReport { get; set; } = 200;

    /// <summary>
    /// A header carrying the viewer's ISO country code, set by the CDN or proxy in front of the gateway (for example
    /// <c>CF-IPCountry</c>). Only name one that the proxy always sets and never passes through from the client.
    /// </summary>
    public string? CountryHeader { get; set; }
}

/// <summary>What one player report adds to its viewer's session.</summary>
public readonly record struct PlayerReport(long PlayedMs, long StalledMs, int Errors, int? TtffMs, bool Started, string? ViewerId);

/// <summary>
/// Counts viewers on this node as they watch, then writes every few seconds (<see cref="ViewershipOptions.FlushSeconds"/>)
/// into <see cref="ViewSession"/> rows. A viewer is a browser (its address and User-Agent, hashed) watching one playback
/// id; Redis gives it one session id across every node until it has been quiet for the session gap, so the HLS
/// requests one node serves and the player reports another receives land in the same session. Delivered media also
/// goes into usage (<c>DeliveryUsageMins</c>).
/// </summary>
public sealed class ViewTracker(
    IConnectionMultiplexer redis,
    IServiceScopeFactory scopes,
    IMemoryCache cache,
    Usage.UsageRecorder usage,
    IOptions<ViewershipOptions> options,
    TimeProvider clock,
    ILogger<ViewTracker> logger) : BackgroundService
{
    private static readonly LuaScript SessionScript = LuaScript.Prepare(
        "local v = redis.call('GET', @key) if not v then redis.call('SET', @key, @id, 'EX', @ttl) return @id end " +
        "redis.call('EXPIRE', @key, @ttl) return v");

    private sealed class Pending(ViewerAgent agent, string country, DateTimeOffset at)
    {
        public readonly Lock Lock = new();
        public ViewerAgent Agent = agent;
        public string Country = country;
        public DateTimeOffset FirstSeen = at;
        public DateTimeOffset LastSeen = at;
        public long ServedMs;
        public long PlayedMs;
        public bool Reported;
        public int? TtffMs;
        public long StalledMs;
        public int Errors;
        public bool Started;
        public string? ViewerId;
    }

    /// <summary>The content a playback id plays, or null when it plays nothing (unknown, deleted, suspended).</summary>
    public sealed record Content(Guid ProjectId, Guid StreamId, Guid AssetId, string? CreatorId);

    private ConcurrentDictionary<(string PlaybackId, string Viewer), Pending> _pending = new();

    /// <summary>The gateway served <paramref name="seconds"/> of media of <paramref name="playbackId"/> to this request's viewer.</summary>
    public void Served(HttpContext http, string playbackId, double seconds)
    {
        if (Track(http, playbackId) is { } p)
        {
            lock (p.Lock)
            {
                p.ServedMs += (long)(seconds * 1000);
                p.Started = true;
            }
        }
    }

    /// <summary>A player reported on its viewer's session (see <see cref="ViewEndpoints"/>).</summary>
    public void Reported(HttpContext http, string playbackId, PlayerReport report)
    {
        if (Track(http, playbackId) is { } p)
        {
            lock (p.Lock)
            {
                p.Reported = true;
                p.PlayedMs += report.PlayedMs;
                p.StalledMs += report.StalledMs;
                p.Errors += report.Errors;
                p.TtffMs ??= report.TtffMs;
                p.Started |= report.Started;
                p.ViewerId = report.ViewerId ?? p.ViewerId;
            }
        }
    }

    private Pending? Track(HttpContext http, string playbackId)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            return null;
        }
        var userAgent = http.Request.Headers.UserAgent.ToString();
        var key = (playbackId, ViewerHash(http.Connection.RemoteIpAddress?.ToString() ?? "", userAgent));
        var now = clock.GetUtcNow();
        var pending = _pending;
        if (pending.TryGetValue(key, out var p))
        {
            lock (p.Lock)
            {
                p.LastSeen = now;
            }
            return p;
        }
        if (pending.Count >= o.MaxTrackedViewers)
        {
            return null;
        }
        var country = o.CountryHeader is { Length: > 0 } header && http.Request.Headers[header].ToString() is { Length: 2 } code && code.All(char.IsAsciiLetter)
            ? code.ToUpperInvariant()
            : "";
        return pending.GetOrAdd(key, _ => new Pending(ViewerAgent.Parse(userAgent), country, now));
    }

    /// <summary>A viewer's address and User-Agent, hashed: neither is stored.</summary>
    private static string ViewerHash(string address, string userAgent) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{address}\n{userAgent}")))[..32];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(options.Value.FlushSeconds), clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            await FlushAsync();
        }
        await FlushAsync();
    }

    /// <summary>Writes what this node saw since the last write. Viewership is best effort: a batch that cannot be written is logged and dropped.</summary>
    public async Task FlushAsync()
    {
        var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<(string, string), Pending>());
        if (batch.IsEmpty)
        {
            return;
        }
        var gap = options.Value.SessionGapSeconds;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        // Delivery goes into usage once per stream or asset and write, not once per viewer.
        var delivered = new Dictionary<Usage.UsageSubject, (double Seconds, DateTimeOffset At)>();
        foreach (var ((playbackId, viewer), p) in batch)
        {
            try
            {
                if (await ContentAsync(db, playbackId) is not { } content)
                {
                    continue;
                }
                var id = (string)(await redis.GetDatabase().ScriptEvaluateAsync(SessionScript,
                    new { key = (RedisKey)$"sg:view:{playbackId}:{viewer}", id = Guid.CreateVersion7().ToString(), ttl = gap }))!;
                await WriteAsync(db, Guid.Parse(id), playbackId, content, p);
                if (p.ServedMs > 0)
                {
                    var subject = content.AssetId != Guid.Empty ? Usage.UsageSubject.ForAsset(content.ProjectId, content.AssetId)
                        : Usage.UsageSubject.ForStream(content.ProjectId, content.StreamId);
                    var sum = delivered.GetValueOrDefault(subject);
                    delivered[subject] = (sum.Seconds + p.ServedMs / 1000.0, p.LastSeen > sum.At ? p.LastSeen : sum.At);
                }
            }
            catch (Exception e) when (e is RedisException or TimeoutException or DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException)
            {
                logger.LogWarning("Viewership of {PlaybackId} could not be written: {Error}", playbackId, e.Message);
            }
        }
        foreach (var (subject, (seconds, at)) in delivered)
        {
            try
            {
                await usage.AddAsync(subject, at, deliveredSeconds: seconds);
            }
            catch (Exception e) when (e is DbUpdateException or Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
            {
                logger.LogWarning("Delivery usage could not be written: {Error}", e.Message);
            }
        }
    }

    private static async Task WriteAsync(GatewayDbContext db, Guid id, string playbackId, Content c, Pending p)
    {
        // The player's own count of time playing replaces the estimate from the media served, once it reports.
        var played = p.Reported ? p.PlayedMs : p.ServedMs;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO view_sessions ("Id", "ProjectId", "PlaybackId", "StreamId", "AssetId", "CreatorId", "ViewerId", "DeviceType", "Device",
              "Os", "Browser", "BrowserEngine", "Country", "StartedAt", "LastSeenAt", "PlaytimeMs", "DeliveredMs", "PlayerReported", "TtffMs",
              "RebufferMs", "Errors", "Started", "RolledUp")
            VALUES ({id}, {c.ProjectId}, {playbackId}, {c.StreamId}, {c.AssetId}, {c.CreatorId}, {p.ViewerId}, {p.Agent.DeviceType},
              {p.Agent.Device}, {p.Agent.Os}, {p.Agent.Browser}, {p.Agent.BrowserEngine}, {p.Country}, {p.FirstSeen}, {p.LastSeen}, {played},
              {p.ServedMs}, {p.Reported}, {p.TtffMs}, {p.StalledMs}, {p.Errors}, {p.Started}, false)
            ON CONFLICT ("Id") DO UPDATE SET
              "LastSeenAt" = GREATEST(view_sessions."LastSeenAt", excluded."LastSeenAt"),
              "StartedAt" = LEAST(view_sessions."StartedAt", excluded."StartedAt"),
              "DeliveredMs" = view_sessions."DeliveredMs" + excluded."DeliveredMs",
              "PlaytimeMs" = CASE
                WHEN excluded."PlayerReported" AND NOT view_sessions."PlayerReported" THEN excluded."PlaytimeMs"
                WHEN excluded."PlayerReported" OR NOT view_sessions."PlayerReported" THEN view_sessions."PlaytimeMs" + excluded."PlaytimeMs"
                ELSE view_sessions."PlaytimeMs" END,
              "PlayerReported" = view_sessions."PlayerReported" OR excluded."PlayerReported",
              "TtffMs" = COALESCE(view_sessions."TtffMs", excluded."TtffMs"),
              "RebufferMs" = view_sessions."RebufferMs" + excluded."RebufferMs",
              "Errors" = view_sessions."Errors" + excluded."Errors",
              "Started" = view_sessions."Started" OR excluded."Started",
              "ViewerId" = COALESCE(excluded."ViewerId", view_sessions."ViewerId"),
              "Country" = CASE WHEN excluded."Country" <> '' THEN excluded."Country" ELSE view_sessions."Country" END
            """);
    }

    /// <summary>
    /// The stream or asset a playback id plays (cached a minute), or null when it plays nothing. Only ids that play
    /// something are cached: made-up ids (anyone may report on or ask about any id) cost a lookup, never memory.
    /// </summary>
    public async Task<Content?> ContentAsync(GatewayDbContext db, string playbackId)
    {
        if (cache.TryGetValue(("view-content", playbackId), out Content? known))
        {
            return known;
        }
        if (!IsPlaybackId(playbackId))
        {
            return null;
        }
        Content? found = null;
        var stream = await db.Streams.AsNoTracking().Where(s => s.PlaybackId == playbackId && s.DeletedAt == null && !s.Suspended)
            .Select(s => new { s.Id, s.ProjectId, s.CreatorId }).FirstOrDefaultAsync();
        if (stream is not null)
        {
            found = new Content(stream.ProjectId, stream.Id, Guid.Empty, CreatorValue(stream.CreatorId));
        }
        else
        {
            var asset = await db.Assets.AsNoTracking().Where(a => a.PlaybackId == playbackId && a.DeletedAt == null)
                .Select(a => new { a.Id, a.ProjectId, a.CreatorId }).FirstOrDefaultAsync();
            if (asset is not null)
            {
                found = new Content(asset.ProjectId, Guid.Empty, asset.Id, CreatorValue(asset.CreatorId));
            }
        }
        if (found is not null)
        {
            cache.Set(("view-content", playbackId), found, TimeSpan.FromMinutes(1));
        }
        return found;
    }

    /// <summary>The shape every playback id has (<c>[0-9a-z]</c>, at most 64): anything else is refused without a lookup.</summary>
    private static bool IsPlaybackId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c));

    /// <summary>The value of a stored creatorId (<c>{type, value}</c>).</summary>
    private static string? CreatorValue(string? json)
    {
        if (json is null)
        {
            return null;
        }
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;
    }
}
