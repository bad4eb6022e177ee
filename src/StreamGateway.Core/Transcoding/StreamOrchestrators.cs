using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Network.Selection;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;

namespace StreamGateway.Core.Transcoding;

/// <summary>
/// The per-stream half of selection (livepeer-protocol §2.3–2.4), with its state in Redis so that a stream's segment
/// jobs may run on any node: the orchestrator used last and its latency score, the segments in flight on each
/// orchestrator, and the session (auth token) each orchestrator gave this stream.
/// </summary>
public sealed class StreamOrchestrators(
    OrchestratorDirectory directory,
    OrchestratorClient client,
    BroadcasterIdentity identity,
    IConnectionMultiplexer redis,
    IOptions<TranscodingOptions> options,
    TimeProvider clock)
{
    private static readonly TimeSpan StateTtl = TimeSpan.FromHours(2);

    private static string StateKey(Guid session) => $"sg:tx:{session:N}";
    private static string InFlightKey(Guid session, string id) => $"sg:tx:{session:N}:inflight:{id}";
    private static string SessionKey(Guid session, string id) => $"sg:tx:{session:N}:o:{id}";
    private static string OpenedKey(Guid session) => $"sg:tx:{session:N}:opened";

    /// <summary>
    /// The orchestrator for the next attempt: the last one while it keeps up, else a stake-weighted draw among
    /// those answering and not suspended, else the least-penalised suspended one, else (only when every one answering
    /// is banned) the banned one whose ban ends first. Only orchestrators whose capabilities serve the job are
    /// considered, as go-B's discovery does. Null when none is left.
    /// </summary>
    /// <param name="job">The job's capability bitstring (<see cref="CapabilityBits.ForJob"/>).</param>
    public async Task<KnownOrchestrator?> PickAsync(Guid session, TimeSpan segmentDuration, IReadOnlySet<string> tried,
        IReadOnlyList<ulong> job, CancellationToken ct)
    {
        var o = options.Value;
        var answering = Capable((await directory.CurrentAsync(ct)).Orchestrators, job).Where(k => !tried.Contains(k.Id)).ToList();
        var pool = answering.Where(k => !directory.IsBanned(k.Id)).ToList();
        if (pool.Count == 0)
        {
            // Bans never empty the pool: with nobody else answering, the least-bad banned one is tried (and its work
            // checked in full by the caller).
            return answering.Count == 0 ? null : directory.LastResort(tried, job);
        }
        var usable = pool.Where(k => directory.Penalty(k.Id) == 0).ToList();
        if (usable.Count == 0)
        {
            return pool.MinBy(k => directory.Penalty(k.Id));
        }

        var db = redis.GetDatabase();
        var state = await db.HashGetAsync(StateKey(session), ["last", "score"]);
        if (o.ReuseLatencyScore > 0 && (string?)state[0] is { } lastId && usable.FirstOrDefault(k => k.Id == lastId) is { } last &&
            double.TryParse((string?)state[1], System.Globalization.CultureInfo.InvariantCulture, out var score))
        {
            var oldest = await db.SortedSetRangeByRankWithScoresAsync(InFlightKey(session, last.Id), 0, 0);
            TimeSpan? inFlight = oldest.Length == 0 ? null
                : clock.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds((long)oldest[0].Score);
            var keepsUp = inFlight is null ? score > 0 && score <= o.ReuseLatencyScore : SegmentTiming.Reuse(score, inFlight, segmentDuration);
            if (keepsUp)
            {
                return last;
            }
        }

        var weighted = ProbabilitySelection.Weigh(
            usable.Select(k => new Candidate(k.Id, k.StakeWei, k.PricePerPixel)).ToList(), o.Weights, o.MaxPricePerPixel);
        var chosen = ProbabilitySelection.Choose(weighted, Random.Shared);
        return chosen is null ? null : usable.First(k => k.Id == chosen.Address);
    }

    /// <summary>The answering orchestrators that would take a job with these capability bits.</summary>
    public static IEnumerable<KnownOrchestrator> Capable(IEnumerable<KnownOrchestrator> pool, IReadOnlyList<ulong> job) =>
        pool.Where(k => k.Responding && k.Serves(job));

    /// <summary>
    /// Opens sessions with up to <see cref="TranscodingOptions.PrepareSessions"/> orchestrators, drawn as a segment's
    /// would be, before the publish has a segment. One that fails is left for the segments to find out about.
    /// </summary>
    public async Task PrepareAsync(Guid session, CancellationToken ct)
    {
        var tried = new HashSet<string>(StringComparer.Ordinal);
        var opening = new List<Task>();
        for (var i = 0; i < options.Value.PrepareSessions; i++)
        {
            // The publish's profiles are not known yet: sessions go to orchestrators that take a basic transcoding job.
            if (await PickAsync(session, TimeSpan.FromSeconds(2), tried, CapabilityBits.Bitstring(CapabilityBits.Transcoding), ct) is not { } orchestrator)
            {
                break;
            }
            tried.Add(orchestrator.Id);
            opening.Add(SessionAsync(session, orchestrator, ct));
        }
        try
        {
            await Task.WhenAll(opening);
        }
        catch (Exception e) when (e is OrchestratorException or OperationCanceledException or RedisException)
        {
        }
    }

    /// <summary>This stream's session with the orchestrator: cached, or opened with GetOrchestrator.</summary>
    public async Task<OrchestratorInfo> SessionAsync(Guid session, KnownOrchestrator orchestrator, CancellationToken ct)
    {
        var db = redis.GetDatabase();
        var key = SessionKey(session, orchestrator.Id);
        var cached = await db.StringGetAsync(key);
        if (cached.HasValue)
        {
            var known = OrchestratorInfo.Parser.ParseFrom((byte[])cached!);
            // go-B refreshes a session whose ticket params are about to expire (livepeer-protocol §3.6).
            if (directory.StillGood(known.TicketParams))
            {
                return await PricedAsync(session, orchestrator, known);
            }
        }
        var info = await client.GetOrchestratorAsync(orchestrator.ServiceUri, identity.Request(),
            TimeSpan.FromMilliseconds(options.Value.DiscoveryTimeoutMilliseconds), ct);
        if (info.AuthToken is null)
        {
            throw new OrchestratorException($"{orchestrator.ServiceUri} gave no auth token");
        }
        if (await StoreAsync(session, orchestrator.Id, info))
        {
            await db.SetAddAsync(OpenedKey(session), orchestrator.Id);
            await db.KeyExpireAsync(OpenedKey(session), StateTtl);
        }
        return await PricedAsync(session, orchestrator, info);
    }

    /// <summary>
    /// The price guard (livepeer-protocol §2.4): an orchestrator above the maximum price, or whose price more than
    /// doubled since this stream first used it, gets no segment.
    /// </summary>
    private async Task<OrchestratorInfo> PricedAsync(Guid session, KnownOrchestrator orchestrator, OrchestratorInfo info)
    {
        var price = PriceGuard.PerPixel(info.PriceInfo);
        var db = redis.GetDatabase();
        var firstKey = $"sg:tx:{session:N}:o:{orchestrator.Id}:price";
        // One round trip: SET NX GET keeps the first price seen and returns it (null when this call set it).
        var earlier = await db.StringSetAndGetAsync(firstKey, price.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            StateTtl, keepTtl: false, When.NotExists);
        var first = earlier.IsNull ? price : double.Parse((string)earlier!, System.Globalization.CultureInfo.InvariantCulture);
        if (PriceGuard.Problem(first, price, options.Value.MaxPricePerPixel) is { } problem)
        {
            throw new OrchestratorException($"{orchestrator.ServiceUri}: {problem}");
        }
        return info;
    }

    /// <summary>
    /// After a publish: tells every orchestrator this stream opened a session with that it is over
    /// (EndTranscodingSession), which frees its capacity and files at once instead of after its idle window.
    /// </summary>
    public async Task EndSessionsAsync(Guid session)
    {
        var db = redis.GetDatabase();
        foreach (var id in await db.SetMembersAsync(OpenedKey(session)))
        {
            var cached = await db.StringGetAsync(SessionKey(session, id!));
            if (cached.HasValue)
            {
                var info = OrchestratorInfo.Parser.ParseFrom((byte[])cached!);
                await client.EndSessionAsync(info.Transcoder, info.AuthToken, TimeSpan.FromSeconds(3));
            }
            await db.KeyDeleteAsync(SessionKey(session, id!));
        }
        await db.KeyDeleteAsync([OpenedKey(session), StateKey(session)]);
    }

    /// <summary>
    /// Adopts the fresh OrchestratorInfo that came back with a result (new ticket params, same auth token), as go-B's
    /// updateSession does, so a session's ticket params never grow old.
    /// </summary>
    public async Task RefreshSessionAsync(Guid session, string id, OrchestratorInfo info)
    {
        if (info.AuthToken is null || string.IsNullOrEmpty(info.Transcoder))
        {
            return;
        }
        await StoreAsync(session, id, info);
    }

    /// <summary>
    /// Caches a session until the last tenth of its auth token's validity, when go-B refreshes it; false when the
    /// token has too little time left to be worth keeping.
    /// </summary>
    private async Task<bool> StoreAsync(Guid session, string id, OrchestratorInfo info)
    {
        var left = DateTimeOffset.FromUnixTimeSeconds(info.AuthToken.Expiration) - clock.GetUtcNow();
        if (left <= TimeSpan.FromSeconds(10))
        {
            return false;
        }
        await redis.GetDatabase().StringSetAsync(SessionKey(session, id), Google.Protobuf.MessageExtensions.ToByteArray(info), left * 0.9);
        return true;
    }

    /// <summary>
    /// How often a stream may answer an orchestrator's refused payment with a new session instead of a failure. Honest
    /// refusals come from params that expired before this gateway saw the block (rare: every result brings fresh
    /// ones); an orchestrator that refused every first payment to be paid twice would be paid twice at most this often.
    /// </summary>
    public static readonly TimeSpan RenewalWindow = TimeSpan.FromMinutes(1);

    /// <summary>True at most once per <see cref="RenewalWindow"/> for one stream and orchestrator, on every node.</summary>
    public Task<bool> MayRenewAsync(Guid session, string id) =>
        redis.GetDatabase().StringSetAsync($"sg:tx:{session:N}:renewed:{id}", 1, RenewalWindow, When.NotExists);

    /// <summary>Drops a session after a failure, so the next use asks the orchestrator again.</summary>
    public Task ForgetSessionAsync(Guid session, string id) => redis.GetDatabase().KeyDeleteAsync(SessionKey(session, id));

    public async Task BeginAsync(Guid session, string id, long seq)
    {
        var db = redis.GetDatabase();
        await db.SortedSetAddAsync(InFlightKey(session, id), seq, clock.GetUtcNow().ToUnixTimeMilliseconds());
        await db.KeyExpireAsync(InFlightKey(session, id), StateTtl);
    }

    /// <summary>Ends an attempt; a successful one records its latency score for the reuse rule and the operator view.</summary>
    public async Task EndAsync(Guid session, string id, long seq, double? latencyScore, string? error)
    {
        var db = redis.GetDatabase();
        await db.SortedSetRemoveAsync(InFlightKey(session, id), seq);
        var stats = OrchestratorDirectory.StatsKey(id);
        if (latencyScore is { } score)
        {
            var text = score.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            await db.HashSetAsync(StateKey(session), [new("last", id), new("score", text)]);
            await db.HashIncrementAsync(StateKey(session), "done:" + id); // which orchestrators served this stream
            await db.KeyExpireAsync(StateKey(session), StateTtl);
            await db.HashIncrementAsync(stats, "successes");
            await db.HashSetAsync(stats, [new("latencyScore", text), new("lastUsed", clock.GetUtcNow().ToUnixTimeMilliseconds())]);
        }
        else
        {
            await db.HashIncrementAsync(stats, "failures");
            await db.HashSetAsync(stats, "lastError", error ?? "failed");
        }
    }
}
