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

    /// <summary>The Redis channel that names a playback id whenever one of its playlists changed.</summary>
    public static readonly RedisChannel Changed = RedisChannel.Literal(ChangedChannel);

    private const string ChangedChannel = "sg:hls:changed";

    private static string Meta(string playbackId) => $"sg:hls:{playbackId}";
    private static string Window(string playbackId, string rendition) => $"sg:hls:{playbackId}:{rendition}";
    private static string Kept(string playbackId, string rendition) => $"sg:hls:{playbackId}:{rendition}:kept";
    private static string Renditions(string playbackId) => $"sg:hls:{playbackId}:renditions";
    private static string Pending(string playbackId, string rendition) => $"sg:hls:{playbackId}:{rendition}:pending";
    private static readonly RedisKey Stalled = "sg:hls:stalled";

    // Every segment of every rendition goes through this one script, so sequence numbers, the window, retention
    // and the discontinuity count move together. The source appends at the end (seq -1); a rendition settles its
    // segment under the source's sequence number, in any order, and is published only once every earlier segment
    // of that rendition has settled (done or gap), so a media playlist only ever grows at its end. A segment whose
    // predecessors never settle within maxWait is published after gaps for them.
    // A release (@release 1) adds no segment: it only publishes what waited past maxWait, for a rendition whose
    // lost segment no later settle came to release (the publish ended first). Every rendition still holding pending
    // segments is named in the stalled set, which every node sweeps.
    private static readonly LuaScript SettleScript = LuaScript.Prepare("""
        local r = @rendition
        local now = tonumber(@now)
        local release = @release == '1'
        local stalledMember = @playback .. '\n' .. r
        if release and redis.call('ZCARD', @pending) == 0 then
          redis.call('SREM', @stalled, stalledMember)
          return {'-1', '0'}
        end
        local nextField = r .. ':next'
        local nxt = tonumber(redis.call('HGET', @meta, nextField) or '-1')
        local seq = tonumber(@seq)
        local disc = tonumber(@disc)
        if release then
          if nxt < 0 then nxt = 0 end
        elseif seq < 0 then
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
          if @session ~= '' then redis.call('HSETNX', @meta, 'session', @session) end
          redis.call('HSET', @meta, 'ladder', @ladder)
          redis.call('HSETNX', @meta, 'since', now)
        elseif nxt < 0 then
          nxt = seq
        end
        -- Every rendition is described with each of its segments, so state Redis forgot (a flush) is whole again with
        -- the next one, and a rendition is shown as it is made once its first segment lands.
        if @info ~= '' then redis.call('HSET', @meta, r .. ':info', @info) end
        if not release and seq >= nxt then
          redis.call('ZREMRANGEBYSCORE', @pending, seq, seq) -- a job that ran twice settles once
          local pdt = tonumber(@pdt)
          if pdt == 0 then pdt = nil end
          redis.call('ZADD', @pending, seq, cjson.encode({s = seq, d = tonumber(@duration), u = @uri, x = disc,
            g = tonumber(@gap), b = tonumber(@bitrate), t = now, p = pdt, k = @keepAll}))
        end
        local removed = {}
        local function publish(e)
          redis.call('RPUSH', @window, cjson.encode({s = e.s, d = e.d, u = e.u, x = e.x, g = e.g, p = e.p}))
          if e.g == 1 then
            redis.call('HSET', @meta, r .. ':gaps', '1') -- a rendition with nothing but gaps is no longer announced
            return
          end
          local target = math.floor(e.d + 0.5)
          if target > tonumber(redis.call('HGET', @meta, r .. ':target') or '0') then
            redis.call('HSET', @meta, r .. ':target', target)
          end
          if e.b > tonumber(redis.call('HGET', @meta, r .. ':bw') or '0') then
            redis.call('HSET', @meta, r .. ':bw', e.b)
          end
          if (e.k or @keepAll) == '0' then
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
        if redis.call('ZCARD', @pending) > 0 then
          redis.call('SADD', @stalled, stalledMember)
        else
          redis.call('SREM', @stalled, stalledMember)
        end
        while redis.call('LLEN', @window) > tonumber(@size) do
          local e = cjson.decode(redis.call('LPOP', @window))
          if e.x == 1 then redis.call('HINCRBY', @meta, r .. ':dseq', 1) end
        end
        for _, k in ipairs({@meta, @window, @kept, @renditions, @pending}) do redis.call('EXPIRE', k, @ttl) end
        redis.call('PUBLISH', @channel, @playback) -- wakes the playlist requests held for this stream
        local result = {tostring(seq), tostring(disc)}
        for _, u in ipairs(removed) do table.insert(result, u) end
        return result
        """);

    /// <summary>
    /// Starts a publish: the next segment of every known rendition opens with a discontinuity. The stream's project and
    /// playback policy are kept beside its playlists, so viewers can be checked while PostgreSQL is away.
    /// </summary>
    public async Task StartSessionAsync(string playbackId, Guid sessionId, Guid projectId, string? playbackPolicy)
    {
        var db = redis.GetDatabase();
        var meta = Meta(playbackId);
        var renditions = await db.SetMembersAsync(Renditions(playbackId));
        var fields = new List<HashEntry>
        {
            new("session", sessionId.ToString()), new("ended", "0"), new("project", projectId.ToString()), new("policy", playbackPolicy ?? ""),
        };
        fields.AddRange(renditions.Select(r => new HashEntry($"{r}:disc", "1")));
        await db.HashSetAsync(meta, [.. fields]);
        // What the last publish's renditions carried and when it began to play are that publish's: the new one may
        // send another picture.
        var ladder = await db.HashGetAsync(meta, "ladder");
        var names = renditions.Select(r => (string)r!).Union(ladder.IsNullOrEmpty ? [] : Variants(ladder!).Select(v => v.Name));
        await db.HashDeleteAsync(meta, [.. names.SelectMany(r => new RedisValue[] { $"{r}:info", $"{r}:gaps" }), "since"]);
        await db.KeyExpireAsync(meta, TimeSpan.FromSeconds(options.Value.StateTtlSeconds));
    }

    /// <summary>The project and playback policy (JSON, empty for none) of a stream publishing or lately published; null if none.</summary>
    public async Task<(Guid ProjectId, string Policy)?> PublishedAccessAsync(string playbackId)
    {
        var fields = await redis.GetDatabase().HashGetAsync(Meta(playbackId), ["project", "policy"]);
        return Guid.TryParse((string?)fields[0], out var project) && !fields[1].IsNull ? (project, (string)fields[1]!) : null;
    }

    /// <summary>Adds a finished source segment; returns its sequence number, whether it opens a discontinuity, and
    /// the URIs of stored segments that fell out of retention. Each profile named in <paramref name="profiles"/>
    /// that has no segment yet will start at this sequence number.</summary>
    /// <param name="programDateMs">When the segment's media reached the gateway (Unix ms); 0 leaves out EXT-X-PROGRAM-DATE-TIME.</param>
    /// <param name="picture">What the source carries, for the master playlist; set with every segment (a new publish may
    /// change it, a Redis flush forget it).</param>
    /// <param name="sessionId">The session publishing it, recorded unless one already is, so that its end ends the
    /// playlist even after a Redis flush.</param>
    /// <param name="ladder">The renditions that will follow the source, as the master playlist announces them; each
    /// starts at this segment unless it has begun.</param>
    public async Task<SettledSegment> AppendAsync(string playbackId, string rendition, string uri, double duration, long bytes,
        bool keepAll, IReadOnlyList<LiveVariant>? ladder = null, long programDateMs = 0, RenditionInfo? picture = null, Guid? sessionId = null) =>
        await SettleAsync(playbackId, rendition, -1, uri, duration, bytes, discontinuity: false, gap: false, keepAll, ladder ?? [], programDateMs,
            picture, sessionId);

    /// <summary>
    /// Settles a rendition's segment under the source's sequence number: done (<paramref name="gap"/> false) or
    /// failed for good (an <c>EXT-X-GAP</c> entry that players skip). Returns the URIs that fell out of retention.
    /// </summary>
    /// <param name="picture">What a done segment carries, for the master playlist (none for a gap).</param>
    public Task<SettledSegment> SettleAsync(string playbackId, string rendition, long seq, string uri, double duration, long bytes,
        bool discontinuity, bool gap, bool keepAll, long programDateMs = 0, RenditionInfo? picture = null) =>
        SettleAsync(playbackId, rendition, seq, uri, duration, bytes, discontinuity, gap, keepAll, null, programDateMs, picture, null);

    /// <summary>
    /// Publishes, with gaps for the segments they wait on, the rendition segments that waited longer than
    /// <see cref="HlsOptions.RenditionWaitSeconds"/> and that no later segment came to release: the transcode of one
    /// segment was lost (its node died) and the publish ended before another of that rendition settled. Returns the
    /// stored segments of each released rendition that fell out of retention.
    /// </summary>
    public async Task<IReadOnlyList<(string PlaybackId, string Rendition, IReadOnlyList<string> Expired)>> ReleaseStalledAsync()
    {
        var released = new List<(string, string, IReadOnlyList<string>)>();
        foreach (var member in await redis.GetDatabase().SetMembersAsync(Stalled))
        {
            var parts = ((string)member!).Split('\n');
            if (parts.Length != 2)
            {
                await redis.GetDatabase().SetRemoveAsync(Stalled, member);
                continue;
            }
            var settled = await SettleAsync(parts[0], parts[1], -1, "", 0, 0, false, false, false, null, 0, null, null, release: true);
            released.Add((parts[0], parts[1], settled.Expired));
        }
        return released;
    }

    private async Task<SettledSegment> SettleAsync(string playbackId, string rendition, long seq, string uri, double duration,
        long bytes, bool discontinuity, bool gap, bool keepAll, IReadOnlyList<LiveVariant>? ladder, long programDateMs, RenditionInfo? picture,
        Guid? sessionId, bool release = false)
    {
        var o = options.Value;
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(SettleScript, new
        {
            meta = (RedisKey)Meta(playbackId),
            window = (RedisKey)Window(playbackId, rendition),
            kept = (RedisKey)Kept(playbackId, rendition),
            renditions = (RedisKey)Renditions(playbackId),
            pending = (RedisKey)Pending(playbackId, rendition),
            stalled = Stalled,
            release = release ? "1" : "0",
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
            profiles = string.Join(',', (ladder ?? []).Select(v => v.Name)),
            ladder = ladder is null ? "" : JsonSerializer.Serialize(ladder),
            channel = ChangedChannel,
            playback = playbackId,
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

    /// <summary>
    /// The master playlist: from the source's first segment on, the source and every rendition the publish's ladder
    /// will have, each as its segments show it or, before its first one, as it is predicted (<see cref="LiveLadder.Predict"/>),
    /// so the master a player reads first is the one it keeps.
    /// <para>
    /// Renditions are listed ahead of their first segment (<see cref="HlsOptions.ListRenditionsAhead"/>) because that
    /// measured better: a player that starts on the first variant listed (Safari, AVPlayer) starts on the source
    /// as soon as it has a segment instead of waiting for the whole ladder, and hls.js, which starts on the variant
    /// its first bandwidth guess affords, waits for that rendition's first segment either way, its playlist request
    /// held until it exists (BENCHMARKS.md, "Live start-up"). The source is listed first, as the variant to start on.
    /// </para>
    /// </summary>
    public async Task<LivePlaylist> MasterAsync(string playbackId)
    {
        var db = redis.GetDatabase();
        var meta = await db.HashGetAllAsync(Meta(playbackId));
        if (meta.Length == 0)
        {
            return LivePlaylist.Missing;
        }
        var fields = meta.ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        var published = (await db.SetMembersAsync(Renditions(playbackId))).Select(r => (string)r!).ToHashSet(StringComparer.Ordinal);
        if (!published.Contains(Source))
        {
            return LivePlaylist.NotYet;
        }
        // A rendition that has settled nothing but gaps (its transcoding failed) is not announced until it has a segment.
        var ladder = fields.TryGetValue("ladder", out var json)
            ? Variants(json).Where(v => published.Contains(v.Name) || !fields.ContainsKey($"{v.Name}:gaps")).ToList()
            : null;
        if (ladder is not null && !options.Value.ListRenditionsAhead && ladder.Any(v => !published.Contains(v.Name)) &&
            long.TryParse(fields.GetValueOrDefault("since"), CultureInfo.InvariantCulture, out var since) &&
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - since < options.Value.HoldSeconds * 1000)
        {
            return LivePlaylist.NotYet;
        }
        // State kept from before ladders were announced lists what was published.
        var variants = ladder is null
            ? published.Order(StringComparer.Ordinal).Select(r => new LiveVariant(r, new RenditionInfo(null, null, null, null), 0))
            : [new LiveVariant(Source, new RenditionInfo(null, null, null, null), 0), .. ladder];
        return new LivePlaylist(HlsPlaylist.Master(variants.Select(v =>
        {
            // What a rendition's segments show, with what they cannot (the source's frame rate it keeps) as predicted.
            var info = fields.TryGetValue($"{v.Name}:info", out var described) ? JsonSerializer.Deserialize<RenditionInfo>(described)! : v.Picture;
            info = info with { FrameRate = info.FrameRate ?? v.Picture.FrameRate };
            var measured = fields.TryGetValue($"{v.Name}:bw", out var bw) ? long.Parse(bw, CultureInfo.InvariantCulture) : 0;
            return new HlsVariant($"{v.Name}/index.m3u8", Math.Max(v.Bandwidth, measured), info.Width, info.Height, info.FrameRate, info.Codecs);
        }).ToList(), firstAsGiven: ladder is not null), Pending: false);
    }

    private static List<LiveVariant> Variants(string json) => JsonSerializer.Deserialize<List<LiveVariant>>(json) ?? [];

    /// <summary>A rendition's media playlist; not yet when the rendition is in the ladder but has no segment.</summary>
    public async Task<LivePlaylist> MediaAsync(string playbackId, string rendition)
    {
        var db = redis.GetDatabase();
        var meta = await db.HashGetAllAsync(Meta(playbackId));
        if (meta.Length == 0)
        {
            return LivePlaylist.Missing;
        }
        var fields = meta.ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        // A rendition in the ladder has a playlist to come until its first segment settles, done or a gap.
        if (!await db.SetContainsAsync(Renditions(playbackId), rendition) && !fields.ContainsKey($"{rendition}:gaps"))
        {
            var coming = rendition == Source || fields.TryGetValue("ladder", out var json) && Variants(json).Any(v => v.Name == rendition);
            return coming ? LivePlaylist.NotYet : LivePlaylist.Missing;
        }
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
        return new LivePlaylist(HlsPlaylist.Media(segments, Math.Max(1, target), dseq, ended), Pending: false);
    }
}

/// <summary>A rendered live playlist (<see cref="Text"/>), or none: <see cref="Pending"/> when the stream will have it.</summary>
public sealed record LivePlaylist(string? Text, bool Pending)
{
    public static readonly LivePlaylist Missing = new(null, false);
    public static readonly LivePlaylist NotYet = new(null, true);
}
