using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StreamGateway.Core.Hls;

/// <summary>What a rendition looks like, for the master playlist.</summary>
public sealed record RenditionInfo(int? Width, int? Height, double? FrameRate, string? Codecs);

/// <summary>
/// Live playlist state in Redis, so any gateway node can serve any stream's playlists. Per playback id: a hash
/// with the current session, the ended flag and per-rendition facts, and per rendition a list holding the
/// sliding window. Appends run as one Lua script, so sequence numbers, the window and the discontinuity count
/// move together.
/// </summary>
public sealed class LivePlaylists(IConnectionMultiplexer redis, IOptions<HlsOptions> options)
{
    public const string Source = "source";

    private static string Meta(string playbackId) => $"sg:hls:{playbackId}";
    private static string Window(string playbackId, string rendition) => $"sg:hls:{playbackId}:{rendition}";
    private static string Kept(string playbackId, string rendition) => $"sg:hls:{playbackId}:{rendition}:kept";
    private static string Renditions(string playbackId) => $"sg:hls:{playbackId}:renditions";

    // KEYS: meta, window, kept, renditions. ARGV: rendition, duration, uri, bits/s, window size, retain, keep all (1/0), ttl.
    private static readonly LuaScript AppendScript = LuaScript.Prepare("""
        local r = @rendition
        local seq = redis.call('HINCRBY', @meta, r .. ':next', 1) - 1
        local disc = 0
        if redis.call('HGET', @meta, r .. ':disc') == '1' then
          disc = 1
          redis.call('HSET', @meta, r .. ':disc', '0')
        end
        redis.call('RPUSH', @window, cjson.encode({s = seq, d = tonumber(@duration), u = @uri, x = disc}))
        local target = math.floor(tonumber(@duration) + 0.5)
        if target > tonumber(redis.call('HGET', @meta, r .. ':target') or '0') then
          redis.call('HSET', @meta, r .. ':target', target)
        end
        if tonumber(@bitrate) > tonumber(redis.call('HGET', @meta, r .. ':bw') or '0') then
          redis.call('HSET', @meta, r .. ':bw', @bitrate)
        end
        while redis.call('LLEN', @window) > tonumber(@size) do
          local e = cjson.decode(redis.call('LPOP', @window))
          if e.x == 1 then redis.call('HINCRBY', @meta, r .. ':dseq', 1) end
        end
        local removed = {}
        if @keepAll == '0' then
          redis.call('RPUSH', @kept, @uri)
          while redis.call('LLEN', @kept) > tonumber(@retain) do
            table.insert(removed, redis.call('LPOP', @kept))
          end
        end
        redis.call('SADD', @renditions, r)
        redis.call('HSET', @meta, 'ended', '0')
        for _, k in ipairs({@meta, @window, @kept, @renditions}) do redis.call('EXPIRE', k, @ttl) end
        return removed
        """);

    /// <summary>Starts a publish: the next segment of every known rendition opens with a discontinuity.</summary>
    public async Task StartSessionAsync(string playbackId, Guid sessionId)
    {
        var db = redis.GetDatabase();
        var meta = Meta(playbackId);
        var renditions = await db.SetMembersAsync(Renditions(playbackId));
        var fields = new List<HashEntry> { new("session", sessionId.ToString()), new("ended", "0") };
        fields.AddRange(renditions.Select(r => new HashEntry($"{r}:disc", "1")));
        await db.HashSetAsync(meta, [.. fields]);
        await db.KeyExpireAsync(meta, TimeSpan.FromSeconds(options.Value.StateTtlSeconds));
    }

    public Task SetRenditionAsync(string playbackId, string rendition, RenditionInfo info) =>
        redis.GetDatabase().HashSetAsync(Meta(playbackId),
        [
            new($"{rendition}:info", JsonSerializer.Serialize(info)),
        ]);

    /// <summary>Adds a finished segment; returns the URIs of stored segments that fell out of retention.</summary>
    public async Task<IReadOnlyList<string>> AppendAsync(string playbackId, string rendition, string uri, double duration, long bytes, bool keepAll)
    {
        var o = options.Value;
        var result = await redis.GetDatabase().ScriptEvaluateAsync(AppendScript, new
        {
            meta = (RedisKey)Meta(playbackId),
            window = (RedisKey)Window(playbackId, rendition),
            kept = (RedisKey)Kept(playbackId, rendition),
            renditions = (RedisKey)Renditions(playbackId),
            rendition,
            duration = duration.ToString("R", CultureInfo.InvariantCulture),
            uri,
            bitrate = duration > 0 ? (long)(bytes * 8 / duration) : 0,
            size = o.WindowSegments,
            retain = o.RetainSegments,
            keepAll = keepAll ? "1" : "0",
            ttl = o.StateTtlSeconds,
        });
        return ((RedisResult[])result!).Select(r => (string)r!).ToArray();
    }

    /// <summary>Ends the session's playlist (EXT-X-ENDLIST) unless a newer session took over.</summary>
    public async Task EndSessionAsync(string playbackId, Guid sessionId)
    {
        var db = redis.GetDatabase();
        var meta = Meta(playbackId);
        if ((string?)await db.HashGetAsync(meta, "session") == sessionId.ToString())
        {
            await db.HashSetAsync(meta, "ended", "1");
        }
    }

    public async Task<bool> ExistsAsync(string playbackId) => await redis.GetDatabase().KeyExistsAsync(Meta(playbackId));

    public async Task<string?> MasterAsync(string playbackId)
    {
        var db = redis.GetDatabase();
        var meta = await db.HashGetAllAsync(Meta(playbackId));
        if (meta.Length == 0)
        {
            return null;
        }
        var fields = meta.ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        var renditions = await db.SetMembersAsync(Renditions(playbackId));
        var variants = new List<HlsVariant>();
        foreach (var r in renditions.Select(r => (string)r!).Order(StringComparer.Ordinal))
        {
            var info = fields.TryGetValue($"{r}:info", out var json) ? JsonSerializer.Deserialize<RenditionInfo>(json) : null;
            var bandwidth = fields.TryGetValue($"{r}:bw", out var bw) ? long.Parse(bw, CultureInfo.InvariantCulture) : 0;
            variants.Add(new HlsVariant($"{r}/index.m3u8", bandwidth, info?.Width, info?.Height, info?.FrameRate, info?.Codecs));
        }
        return HlsPlaylist.Master(variants);
    }

    public async Task<string?> MediaAsync(string playbackId, string rendition)
    {
        var db = redis.GetDatabase();
        var meta = await db.HashGetAllAsync(Meta(playbackId));
        if (meta.Length == 0 || !await db.SetContainsAsync(Renditions(playbackId), rendition))
        {
            return null;
        }
        var fields = meta.ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        var entries = await db.ListRangeAsync(Window(playbackId, rendition));
        var segments = entries.Select(e =>
        {
            using var doc = JsonDocument.Parse((string)e!);
            var root = doc.RootElement;
            return new HlsSegment(root.GetProperty("s").GetInt64(), root.GetProperty("d").GetDouble(),
                root.GetProperty("u").GetString()!, root.GetProperty("x").GetInt32() == 1);
        }).ToList();
        int.TryParse(fields.GetValueOrDefault($"{rendition}:target"), CultureInfo.InvariantCulture, out var target);
        long.TryParse(fields.GetValueOrDefault($"{rendition}:dseq"), CultureInfo.InvariantCulture, out var dseq);
        return HlsPlaylist.Media(segments, Math.Max(1, target), dseq, fields.GetValueOrDefault("ended") == "1");
    }
}
