using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nethereum.Web3;
using StackExchange.Redis;
using StreamGateway.Network.Chain;
using StreamGateway.Network.Payments;
using StreamGateway.Network.Selection;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;

namespace StreamGateway.Core.Transcoding;

/// <summary>
/// Discovery (livepeer-protocol §1): walks the on-chain pool from the Controller, asks every active orchestrator for
/// its offer with GetOrchestrator, and keeps the result. The snapshot is cached in Redis, so gateway nodes share one
/// walk per round and interval; it is refreshed when a new round starts and every <see cref="TranscodingOptions.RefreshSeconds"/>.
/// An orchestrator that does not answer a refresh is suspended, as at go-B; suspensions end after as many refreshes
/// as their penalty.
/// </summary>
public sealed class OrchestratorDirectory(
    IOptions<TranscodingOptions> options,
    IConnectionMultiplexer redis,
    OrchestratorClient client,
    BroadcasterIdentity identity,
    TimeProvider clock,
    IEnumerable<IBanListener> banListeners,
    ILogger<OrchestratorDirectory> logger) : BackgroundService
{
    internal const string SnapshotKey = "sg:orch:pool";
    /// <summary>Orchestrators caught handing back bad work: id → Unix milliseconds until which they get nothing.</summary>
    internal const string BansKey = "sg:orch:bans";
    internal static string StatsKey(string id) => $"sg:orch:stats:{id}";

    private readonly TaskCompletionSource _firstRefresh = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Suspensions _suspensions = new();
    private readonly Lock _lock = new();
    private Dictionary<string, long> _bans = new(StringComparer.OrdinalIgnoreCase);
    private PoolSnapshot _snapshot = new(-1, DateTimeOffset.MinValue, []);
    private LivepeerPool? _pool;
    private Web3? _web3;
    private LivepeerAddresses? _contracts;

    public PoolSnapshot Snapshot => _snapshot;

    /// <summary>The latest block read, when it was read, and the moving average of the block interval, replaced whole.</summary>
    private sealed record BlockReading(long Block, long ReadAt, double SecondsPerBlock);

    private volatile BlockReading _blocks = new(0, 0, 12);

    /// <summary>The chain's latest block as last read (every RoundPollSeconds, and on a refused payment); 0 off-chain.</summary>
    public long LatestBlock => _blocks.Block;

    /// <summary>
    /// The block the chain has likely reached by now: <see cref="LatestBlock"/> plus the blocks the observed block rate
    /// gives since it was read. Orchestrators may see a block before this gateway's next read; sessions are refreshed
    /// against this estimate so that their ticket params are not used in the seconds after they expired.
    /// </summary>
    public long EstimatedBlock => _blocks is { Block: > 0 } b ? b.Block + (long)(clock.GetElapsedTime(b.ReadAt).TotalSeconds / b.SecondsPerBlock) : 0;

    /// <summary>The block at which ticket params expire (none: never).</summary>
    public static long ExpirationBlock(TicketParams? p) => p is null ? long.MaxValue : (long)Uint256.FromBytes(p.ExpirationBlock.Span);

    /// <summary>
    /// Whether ticket params still have more than a couple of blocks to run by <see cref="EstimatedBlock"/>: a session
    /// holding them may be paid against; one that does not is refreshed first (go-B does the same, livepeer-protocol §3.6).
    /// </summary>
    public bool StillGood(TicketParams? p) => ExpirationBlock(p) - EstimatedBlock > 2;

    /// <summary>The snapshot, waiting (briefly) for the first refresh after start; an empty pool if that takes too long.</summary>
    public async Task<PoolSnapshot> CurrentAsync(CancellationToken ct)
    {
        try
        {
            await _firstRefresh.Task.WaitAsync(TimeSpan.FromSeconds(15), ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Orchestrator discovery has not finished its first refresh; no orchestrator to offer yet");
        }
        return _snapshot;
    }

    /// <summary>Why no orchestrator can take a segment, with what each one said at the last refresh.</summary>
    /// <summary>
    /// Why no orchestrator can take a segment, in words a tenant may read: how many there are and why they are out,
    /// never what an orchestrator said (the pool's last errors, for operators, keep that).
    /// </summary>
    /// <param name="job">The capability bitstring of the job that found no orchestrator, to say when that is why.</param>
    public string Unavailable(IReadOnlyList<ulong>? job = null)
    {
        var all = _snapshot.Orchestrators;
        if (all.Count == 0)
        {
            return "no orchestrator is available: the pool is empty";
        }
        var responding = all.Where(o => o.Responding).ToList();
        if (job is not null && responding.Count > 0 && !responding.Any(o => o.Serves(job)))
        {
            return $"no orchestrator is available: none of the {responding.Count} answering offers the capabilities this job needs";
        }
        var refusing = all.Count - responding.Count;
        return refusing == all.Count
            ? $"no orchestrator is available: all {all.Count} in the pool are unreachable or refuse this gateway"
            : $"no orchestrator is available: {all.Count - refusing} of {all.Count} respond, and none can take the segment now";
    }

    public long Penalty(string id)
    {
        lock (_lock)
        {
            return _suspensions.Penalty(id);
        }
    }

    /// <summary>Suspends an orchestrator that failed a segment (penalty 1 refresh for the on-chain pool, livepeer-protocol §2.5).</summary>
    public async Task SuspendAsync(string id, string error)
    {
        long penalty;
        lock (_lock)
        {
            _suspensions.Suspend(id, poolSize: 1, wanted: 1);
            penalty = _suspensions.Penalty(id);
        }
        var until = clock.GetUtcNow().AddSeconds(penalty * options.Value.RefreshSeconds);
        await redis.GetDatabase().HashSetAsync(StatsKey(id),
        [
            new("suspendedUntil", until.ToUnixTimeMilliseconds()),
            new("lastError", error),
        ]);
    }

    /// <summary>Caught handing back bad work and not yet reinstated: it gets no segment, not even as a last resort.</summary>
    public bool IsBanned(string id)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            return _bans.TryGetValue(id, out var until) && until > now;
        }
    }

    /// <summary>
    /// Bars an orchestrator whose rendition failed verification for <see cref="TranscodingOptions.BadWorkSuspendSeconds"/>,
    /// on every gateway node (the bans live in Redis and each refresh reads them).
    /// </summary>
    public async Task BanAsync(string id, string reason)
    {
        var until = clock.GetUtcNow().AddSeconds(options.Value.BadWorkSuspendSeconds).ToUnixTimeMilliseconds();
        lock (_lock)
        {
            _bans[id] = until;
        }
        var db = redis.GetDatabase();
        await db.HashSetAsync(BansKey, id, until);
        await db.HashSetAsync(StatsKey(id), [new("suspendedUntil", until), new("lastError", reason), new("badWork", 1)]);
        logger.LogWarning("Orchestrator {Id} handed back bad work and gets no segments for {Seconds} s: {Reason}",
            id, options.Value.BadWorkSuspendSeconds, reason);
        foreach (var listener in banListeners)
        {
            listener.Banned(id, reason);
        }
    }

    /// <summary>
    /// Records bad work nobody confirmed on its own segment (no other orchestrator was tried, or none passed). A strike
    /// on one stream bans nobody; strikes on two different streams within <see cref="TranscodingOptions.BadWorkSuspendSeconds"/>
    /// are the confirmation, and ban. The strikes live in Redis, so every node's count together.
    /// </summary>
    public async Task StrikeAsync(string id, Guid stream, string problem)
    {
        var db = redis.GetDatabase();
        var key = $"sg:tx:strikes:{id}";
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var window = options.Value.BadWorkSuspendSeconds * 1000L;
        var batch = db.CreateBatch();
        var add = batch.SortedSetAddAsync(key, stream.ToString("N"), now);
        var trim = batch.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, now - window);
        var expire = batch.KeyExpireAsync(key, TimeSpan.FromMilliseconds(window));
        var count = batch.SortedSetLengthAsync(key);
        batch.Execute();
        await Task.WhenAll(add, trim, expire, count);
        if (await count >= 2)
        {
            await db.KeyDeleteAsync(key);
            await BanAsync(id, $"{problem}; its renditions failed the checks on another stream too");
        }
        else
        {
            logger.LogWarning("Orchestrator {Id} failed the rendition checks on a segment nobody else could confirm; " +
                "a second stream's failure within {Seconds} s bans it: {Problem}", id, options.Value.BadWorkSuspendSeconds, problem);
        }
    }

    /// <summary>
    /// The orchestrator to use when every one answering and untried is banned: the one whose ban ends first. A ban
    /// must never leave a stream with nothing; the caller checks its work in full and flags the stream.
    /// </summary>
    public KnownOrchestrator? LastResort(IReadOnlySet<string> tried, IReadOnlyList<ulong> job)
    {
        lock (_lock)
        {
            return _snapshot.Orchestrators.Where(k => k.Responding && k.Serves(job) && !tried.Contains(k.Id) && _bans.ContainsKey(k.Id))
                .MinBy(k => _bans[k.Id]);
        }
    }

    /// <summary>Lifts a ban and any suspension (an operator's decision). False when the id is not in the pool.</summary>
    public async Task<bool> ReinstateAsync(string id)
    {
        if (_snapshot.Orchestrators.All(o => !o.Id.Equals(id, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }
        lock (_lock)
        {
            _bans.Remove(id);
            _suspensions.Clear(id);
        }
        var db = redis.GetDatabase();
        await db.HashDeleteAsync(BansKey, id);
        await db.HashDeleteAsync(StatsKey(id), ["suspendedUntil", "badWork"]);
        logger.LogInformation("Orchestrator {Id} reinstated", id);
        return true;
    }

    private async Task LoadBansAsync(IDatabase db)
    {
        var bans = (await db.HashGetAllAsync(BansKey)).ToDictionary(e => (string)e.Name!, e => (long)e.Value, StringComparer.OrdinalIgnoreCase);
        lock (_lock)
        {
            _bans = bans;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            _firstRefresh.TrySetResult();
            return;
        }
        logger.LogInformation("Discovering orchestrators as broadcaster {Address}", identity.Address);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var round = await ReadRoundAsync();
                if (round != _snapshot.Round || clock.GetUtcNow() - _snapshot.RefreshedAt >= TimeSpan.FromSeconds(o.RefreshSeconds))
                {
                    await RefreshAsync(round, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Orchestrator discovery failed: {Error}", e.Message);
            }
            finally
            {
                _firstRefresh.TrySetResult();
            }
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(o.RoundPollSeconds, o.RefreshSeconds)), clock, stoppingToken);
        }
    }

    private async Task<long> ReadRoundAsync()
    {
        if (!options.Value.UsesChain)
        {
            return 0;
        }
        if (_contracts is null)
        {
            _web3 = new Web3(options.Value.RpcUrl);
            _pool = new LivepeerPool(_web3);
            _contracts = await _pool.ResolveAsync(options.Value.Controller!);
        }
        await ReadLatestBlockAsync();
        return (long)await _pool!.CurrentRoundAsync(_contracts);
    }

    /// <summary>
    /// Reads the chain's latest block now (L1 on Arbitrum, as orchestrators count expiry) and returns it; null off-chain
    /// or before discovery has reached the chain.
    /// </summary>
    public async Task<long?> ReadLatestBlockAsync()
    {
        if (_web3 is null)
        {
            return null;
        }
        var block = (long)await ProtocolBlocks.LatestAsync(_web3);
        var now = clock.GetTimestamp();
        var last = _blocks;
        if (block > last.Block)
        {
            // A moving average of the block interval, kept between 1 s and 60 s whatever a burst of blocks suggests.
            var interval = clock.GetElapsedTime(last.ReadAt, now).TotalSeconds / (block - last.Block);
            var secondsPerBlock = last.Block > 0 ? Math.Clamp(0.7 * last.SecondsPerBlock + 0.3 * interval, 1, 60) : last.SecondsPerBlock;
            _blocks = new BlockReading(block, now, secondsPerBlock);
        }
        else if (block == last.Block)
        {
            _blocks = last with { ReadAt = now };
        }
        return block;
    }

    private async Task RefreshAsync(long round, CancellationToken ct)
    {
        var o = options.Value;
        var db = redis.GetDatabase();
        lock (_lock)
        {
            _suspensions.NextRound();
        }
        await LoadBansAsync(db);
        var cached = await db.StringGetAsync(SnapshotKey);
        if (cached.HasValue && JsonSerializer.Deserialize<PoolSnapshot>((string)cached!) is { } shared &&
            shared.Round == round && clock.GetUtcNow() - shared.RefreshedAt < TimeSpan.FromSeconds(o.RefreshSeconds))
        {
            _snapshot = shared; // another node walked the pool this interval
            return;
        }

        var targets = new List<(string? Address, string Uri, BigInteger Stake, bool Active)>();
        if (o.UsesChain)
        {
            foreach (var entry in await _pool!.ReadAsync(_contracts!, ct))
            {
                if (entry.Active && !string.IsNullOrWhiteSpace(entry.ServiceUri))
                {
                    targets.Add((entry.Address.ToLowerInvariant(), WithScheme(entry.ServiceUri), entry.Stake, entry.Active));
                }
            }
        }
        targets.AddRange(o.OrchestratorUris.Select(uri => ((string?)null, WithScheme(uri), BigInteger.Zero, true)));

        var known = await Task.WhenAll(targets.Select(t => AskAsync(t.Address, t.Uri, t.Stake, t.Active, ct)));
        foreach (var failed in known.Where(k => !k.Responding))
        {
            await SuspendAsync(failed.Id, failed.Error ?? "did not answer GetOrchestrator");
        }
        var snapshot = new PoolSnapshot(round, clock.GetUtcNow(), known);
        _snapshot = snapshot;
        await db.StringSetAsync(SnapshotKey, JsonSerializer.Serialize(snapshot), TimeSpan.FromSeconds(Math.Max(60, 10 * o.RefreshSeconds)));
        logger.LogInformation("Orchestrator pool refreshed in round {Round}: {Responding} of {Total} answering",
            round, known.Count(k => k.Responding), known.Length);
    }

    private async Task<KnownOrchestrator> AskAsync(string? address, string uri, BigInteger stake, bool active, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        try
        {
            var info = await client.GetOrchestratorAsync(uri, identity.Request(),
                TimeSpan.FromMilliseconds(options.Value.DiscoveryTimeoutMilliseconds), ct);
            var infoAddress = ReportedAddress(info);
            var capacity = info.Capabilities?.Capacities.TryGetValue((uint)CapabilityBits.H264, out var c) == true ? (int?)c : null;
            return new KnownOrchestrator(address ?? infoAddress ?? uri, address ?? infoAddress, uri, stake.ToString(CultureInfo.InvariantCulture),
                active, Responding: true, info.Transcoder, info.PriceInfo?.PricePerUnit ?? 0, info.PriceInfo?.PixelsPerUnit ?? 0, capacity,
                clock.GetElapsedTime(started).TotalMilliseconds, null,
                Offered: [.. info.Capabilities?.Bitstring ?? []], Mandatories: [.. info.Capabilities?.Mandatories ?? []]);
        }
        catch (OrchestratorException e)
        {
            return new KnownOrchestrator(address ?? uri, address, uri, stake.ToString(CultureInfo.InvariantCulture), active,
                Responding: false, null, 0, 0, null, null, e.Message);
        }
    }

    /// <summary>The address an orchestrator reports, or null: an offchain go-O answers the zero address, which names no
    /// one, so such orchestrators are told apart by their URI.</summary>
    internal static string? ReportedAddress(OrchestratorInfo info) =>
        info.Address.Length == 20 && info.Address.Span.ContainsAnyExcept((byte)0) ? "0x" + Convert.ToHexStringLower(info.Address.Span) : null;

    /// <summary>go-B prepends https:// to a service URI without a scheme.</summary>
    internal static string WithScheme(string uri) =>
        uri.Contains("://", StringComparison.Ordinal) ? uri.TrimEnd('/') : "https://" + uri.TrimEnd('/');
}
