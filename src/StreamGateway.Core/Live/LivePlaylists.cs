using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Media.Hls;

namespace StreamGateway.Core.Live;

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
    private static string Pending(string playbackId, string rendition) => $"sg:hls:{playbackId}:{rendition}:pending";

    // Every segment of every rendition goes through this one script, so sequence numbers, the window, retention
    // and the discontinuity count move together. The source appends at the end (seq -1); a rendition settles its
    // segment under the source's sequence number, in any order, and is published only once every earlier segment
    // of that rendition has settled (done or gap), so a media playlist only ever grows at its end. A segment whose
    // predecessors never settle within maxWait is published after gaps for them.
    private static readonly LuaScript SettleScript = LuaScript.Prepare("""
        local r = @rendition
        local now = tonumber(@now)
        local nextField = r .. ':next'
        local nxt = tonumber(redis.call('HGET', @meta, nextField) or '-1')
        local seq = tonumber(@seq)
        local disc = tonumber(@disc)
        if seq < 0 then
          if nxt < 0 then nxt = 0 end
          seq = nxt
          if redis.call('HGET', @meta, r .. ':disc') == '1' then
            disc = 1
            redis.call('HSET', @meta, r .. ':disc', '0')
          end
          for p in string.gmatch(@profiles, '[^,]+') do
            redis.call('HSETNX', @meta, p .. ':next', seq)
          end
          redis.call('HSET', @meta, 'ended', '0')
          -- Described with every segment, so state Redis forgot (a flush) is whole again with the next one.
          if @info ~= '' then redis.call('HSET', @meta, r .. ':info', @info) end
          if @session ~= '' then redis.call('HSETNX', @meta, 'session', @session) end
        elseif nxt < 0 then
          nxt = seq
        end
        if seq >= nxt then
          redis.call('ZREMRANGEBYSCORE', @pending, seq, seq) -- a job that ran twice settles once
          local pdt = tonumber(@pdt)
          if pdt == 0 then pdt = nil end
          redis.call('ZADD', @pending, seq, cjson.encode({s = seq, d = tonumber(@duration), u = @uri, x = disc,
            g = tonumber(@gap), b = tonumber(@bitrate), t = now, p = pdt}))
        end
        local removed = {}
        local function publish(e)
          redis.call('RPUSH', @window, cjson.encode({s = e.s, d = e.d, u = e.u, x = e.x, g = e.g, p = e.p}))
          if e.g == 1 then return end
          local target = math.floor(e.d + 0.5)
          if target > tonumber(redis.call('HGET', @meta, r .. ':target') or '0') then
            redis.call('HSET', @meta, r .. ':target', target)
          end
          if e.b > tonumber(redis.call('HGET', @meta, r .. ':bw') or '0') then
            redis.call('HSET', @meta, r .. ':bw', e.b)
          end
          if @keepAll == '0' then
            redis.call('RPUSH', @kept, e.u)
            while redis.call('LLEN', @kept) > tonumber(@retain) do
              table.insert(removed, redis.call('LPOP', @kept))
            end
          end
          redis.call('SADD', @renditions, r)
        end
        while true do
          local head = redis.call('ZRANGEBYSCORE', @pending, nxt, nxt)
          if #head == 0 then
            local first = redis.call('ZRANGE', @pending, 0, 0)
            if #first == 0 then break end
            local waiting = cjson.decode(first[1])
            if now - waiting.t < tonumber(@maxWait) then break end
            while nxt < waiting.s do
              publish({s = nxt, d = waiting.d, u = 'gap_' .. nxt .. '.ts', x = 0, g = 1, b = 0})
              nxt = nxt + 1
            end
            head = first
          end
          local e = cjson.decode(head[1])
          redis.call('ZREMRANGEBYSCORE', @pending, '-inf', e.s)
          publish(e)
          nxt = e.s + 1
        end
        redis.call('HSET', @meta, nextField, nxt)
        while redis.call('LLEN', @window) > tonumber(@size) do
          local e = cjson.decode(redis.call('LPOP', @window))
          if e.x == 1 then redis.call('HINCRBY', @meta, r .. ':dseq', 1) end
        end
        for _, k in ipairs({@meta, @window, @kept, @renditions, @pending}) do redis.call('EXPIRE', k, @ttl) end
        local result = {tostring(seq), tostring(disc)}
        for _, u in ipairs(removed) do table.insert(result, u) end
        return result
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

    /// <summary>Describes a transcoded rendition unless it already is (the source is described by its appends).</summary>
    public Task DescribeRenditionAsync(string playbackId, string rendition, RenditionInfo info) =>
        redis.GetDatabase().HashSetAsync(Meta(playbackId), $"{rendition}:info", JsonSerializer.Serialize(info), When.NotExists);

    /// <summary>Adds a finished source segment; returns its sequence number, whether it opens a discontinuity, and
    /// the URIs of stored segments that fell out of retention. Each profile named in <paramref name="profiles"/>
    /// that has no segment yet will start at this sequence number.</summary>
    /// <param name="programDateMs">When the segment's media reached the gateway (Unix ms); 0 leaves out EXT-X-PROGRAM-DATE-TIME.</param>
    /// <param name="picture">What the source carries, for the master playlist; set with every segment (a new publish may
    /// change it, a Redis flush forget it).</param>
    /// <param name="sessionId">The session publishing it, recorded unless one already is, so that its end ends the
    /// playlist even after a Redis flush.</param>
    public async Task<SettledSegment> AppendAsync(string playbackId, string rendition, string uri, double duration, long bytes,
        bool keepAll, IReadOnlyList<string>? profiles = null, long programDateMs = 0, RenditionInfo? picture = null, Guid? sessionId = null) =>
        await SettleAsync(playbackId, rendition, -1, uri, duration, bytes, discontinuity: false, gap: false, keepAll, profiles, programDateMs,
            picture, sessionId);

    /// <summary>
    /// Settles a rendition's segment under the source's sequence number: done (<paramref name="gap"/> false) or
    /// failed for good (an <c>EXT-X-GAP</c> entry that players skip). Returns the URIs that fell out of retention.
    /// </summary>
    public Task<SettledSegment> SettleAsync(string playbackId, string rendition, long seq, string uri, double duration, long bytes,
        bool discontinuity, bool gap, bool keepAll, long programDateMs = 0) =>
        SettleAsync(playbackId, rendition, seq, uri, duration, bytes, discontinuity, gap, keepAll, null, programDateMs, null, null);

    private async Task<SettledSegment> SettleAsync(string playbackId, string rendition, long seq, string uri, double duration,
        long bytes, bool discontinuity, bool gap, bool keepAll, IReadOnlyList<string>? profiles, long programDateMs, RenditionInfo? picture,
        Guid? sessionId)
    {
        var o = options.Value;
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(SettleScript, new
        {
            meta = (RedisKey)Meta(playbackId),
            window = (RedisKey)Window(playbackId, rendition),
            kept = (RedisKey)Kept(playbackId, rendition),
            renditions = (RedisKey)Renditions(playbackId),
            pending = (RedisKey)Pending(playbackId, rendition),
            rendition,
            seq,
            duration = duration.ToString("R", CultureInfo.InvariantCulture),
            uri,
            disc = discontinuity ? 1 : 0,
            gap = gap ? 1 : 0,
            bitrate = duration > 0 ? (long)(bytes * 8 / duration) : 0,
            size = o.WindowSegments,
            retain = o.RetainSegments,
            keepAll = keepAll ? "1" : "0",
            ttl = o.StateTtlSeconds,
            now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            maxWait = (long)(o.RenditionWaitSeconds * 1000),
            profiles = string.Join(',', profiles ?? []),
            pdt = programDateMs,
            info = picture is null ? "" : JsonSerializer.Serialize(picture),
            session = sessionId?.ToString() ?? "",
        }))!;
        return new SettledSegment(long.Parse((string)result[0]!, CultureInfo.InvariantCulture), (string)result[1]! == "1",
            result.Skip(2).Select(r => (string)r!).ToArray());
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
                root.GetProperty("u").GetString()!, root.GetProperty("x").GetInt32() == 1,
                root.TryGetProperty("g", out var g) && g.GetInt32() == 1,
                root.TryGetProperty("p", out var p) ? (long)p.GetDouble() : 0);
        }).ToList();
        int.TryParse(fields.GetValueOrDefault($"{rendition}:target"), CultureInfo.InvariantCulture, out var target);
        long.TryParse(fields.GetValueOrDefault($"{rendition}:dseq"), CultureInfo.InvariantCulture, out var dseq);
        // A rendition ends once it has settled everything the source had when the publish ended.
        long.TryParse(fields.GetValueOrDefault($"{Source}:next"), CultureInfo.InvariantCulture, out var sourceNext);
        long.TryParse(fields.GetValueOrDefault($"{rendition}:next"), CultureInfo.InvariantCulture, out var renditionNext);
        var ended = fields.GetValueOrDefault("ended") == "1" && (rendition == Source || renditionNext >= sourceNext);
        return HlsPlaylist.Media(segments, Math.Max(1, target), dseq, ended);
    }
}
