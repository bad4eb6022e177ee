using StreamGateway.Core.Storage;
using System.Globalization;
using System.Numerics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StackExchange.Redis;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Transcoding;

/// <summary>One orchestrator of the pool as this gateway sees it (our extension to the Studio API).</summary>
public sealed class OrchestratorResource
{
    /// <summary>Its id in the pool: the address, or the service URI of an off-chain orchestrator.</summary>
    public required string Id { get; init; }
    /// <summary>Ethereum address; null for an off-chain orchestrator that did not say.</summary>
    public string? Address { get; init; }
    public required string ServiceUri { get; init; }
    /// <summary>Bonded stake in the token's smallest unit (18 decimals), as a decimal string.</summary>
    public required string Stake { get; init; }
    /// <summary>Share of the answering pool's stake, 0–1.</summary>
    public double StakeShare { get; init; }
    /// <summary>Active in the current round.</summary>
    public bool Active { get; init; }
    /// <summary>Answered GetOrchestrator at the last refresh.</summary>
    public bool Responding { get; init; }
    /// <summary>Wei per <see cref="PixelsPerUnit"/> pixels.</summary>
    public long PricePerUnit { get; init; }
    public long PixelsPerUnit { get; init; }
    /// <summary>Concurrent sessions it takes, as it reports.</summary>
    public int? Capacity { get; init; }
    /// <summary>Last segment's (upload + transcode + download) / segment duration; at most 1 keeps up with live.</summary>
    public double? LatencyScore { get; init; }
    public double? DiscoveryLatencyMs { get; init; }
    public long Successes { get; init; }
    public long Failures { get; init; }
    /// <summary>Unix milliseconds until which it gets no new work, while in the future.</summary>
    public long? SuspendedUntil { get; init; }
    /// <summary>The suspension is for bad work caught by verification (see /api/orchestrator/evidence), not for a failure to answer.</summary>
    public bool BadWork { get; init; }
    public string? LastError { get; init; }
}

public static class OrchestratorEndpoints
{
    public static RouteGroupBuilder MapOrchestrators(this RouteGroupBuilder api)
    {
        api.MapGet("/orchestrator", ListAsync).AddEndpointFilter<RequireAdmin>().WithTags("Admin")
            .WithName("getOrchestrators").WithSummary("The transcoding pool as this gateway sees it (admin)")
            .Produces<OrchestratorResource[]>();
        api.MapPost("/orchestrator/reinstate", ReinstateAsync).AddEndpointFilter<RequireAdmin>().WithTags("Admin")
            .WithName("reinstateOrchestrator").WithSummary("Lift an orchestrator's suspension or bad-work ban (admin)")
            .Accepts<ReinstateRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent).Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .Produces<ErrorBody>(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/orchestrator/evidence", async (VerificationEvidence evidence) => TypedResults.Ok(await evidence.ListAsync()))
            .AddEndpointFilter<RequireAdmin>().WithTags("Admin")
            .WithName("getVerificationEvidence").WithSummary("Renditions that failed verification, newest first (admin)")
            .Produces<EvidenceRecord[]>();
        api.MapGet("/orchestrator/evidence/{id}/{file}", EvidenceFileAsync).AddEndpointFilter<RequireAdmin>().WithTags("Admin")
            .WithName("getVerificationEvidenceFile").WithSummary("One kept file of a verification failure: the source or a rendition (admin)")
            .Produces(StatusCodes.Status200OK, contentType: "video/mp2t").Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>Body of <c>POST /api/orchestrator/reinstate</c>.</summary>
    public sealed class ReinstateRequest
    {
        /// <summary>The orchestrator's id as <c>GET /api/orchestrator</c> lists it.</summary>
        public string? Id { get; init; }
    }

    private static async Task<IResult> ReinstateAsync(HttpContext http, OrchestratorDirectory directory, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<ReinstateRequest>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        if (string.IsNullOrWhiteSpace(body.Value!.Id))
        {
            return ApiError.Unprocessable(["id: the orchestrator's id from GET /api/orchestrator is required"]);
        }
        return await directory.ReinstateAsync(body.Value.Id.Trim()) ? TypedResults.NoContent() : ApiError.NotFound("orchestrator not found in the pool");
    }

    private static async Task<IResult> EvidenceFileAsync(string id, string file, VerificationEvidence evidence, Storage.ISegmentStore store)
    {
        var record = (await evidence.ListAsync()).FirstOrDefault(r => r.Id == id);
        if (record is null || !record.Files.Contains(file))
        {
            return ApiError.NotFound("evidence not found");
        }
        var stream = await store.OpenReadAsync(MediaKeys.Evidence(id, file), CancellationToken.None);
        return stream is null ? ApiError.NotFound("evidence not found") : TypedResults.Stream(stream, "video/mp2t", file);
    }

    private static async Task<IResult> ListAsync(OrchestratorDirectory directory, IConnectionMultiplexer redis, TimeProvider clock)
    {
        var snapshot = directory.Snapshot;
        var db = redis.GetDatabase();
        var total = snapshot.Orchestrators.Where(o => o.Responding).Aggregate(BigInteger.Zero, (sum, o) => sum + o.StakeWei);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var list = new List<OrchestratorResource>(snapshot.Orchestrators.Count);
        foreach (var o in snapshot.Orchestrators)
        {
            var stats = (await db.HashGetAllAsync(OrchestratorDirectory.StatsKey(o.Id))).ToDictionary(e => (string)e.Name!, e => (string?)e.Value);
            long? until = long.TryParse(stats.GetValueOrDefault("suspendedUntil"), CultureInfo.InvariantCulture, out var u) && u > now ? u : null;
            list.Add(new OrchestratorResource
            {
                Id = o.Id,
                Address = o.Address,
                ServiceUri = o.ServiceUri,
                Stake = o.Stake,
                StakeShare = o.Responding && !total.IsZero ? (double)(o.StakeWei * 1_000_000 / total) / 1_000_000 : 0,
                Active = o.Active,
                Responding = o.Responding,
                PricePerUnit = o.PricePerUnit,
                PixelsPerUnit = o.PixelsPerUnit,
                Capacity = o.Capacity,
                LatencyScore = double.TryParse(stats.GetValueOrDefault("latencyScore"), CultureInfo.InvariantCulture, out var s) ? s : null,
                DiscoveryLatencyMs = o.DiscoveryMilliseconds,
                Successes = long.TryParse(stats.GetValueOrDefault("successes"), CultureInfo.InvariantCulture, out var ok) ? ok : 0,
                Failures = long.TryParse(stats.GetValueOrDefault("failures"), CultureInfo.InvariantCulture, out var bad) ? bad : 0,
                SuspendedUntil = until,
                BadWork = until is not null && stats.GetValueOrDefault("badWork") == "1",
                LastError = stats.GetValueOrDefault("lastError") ?? o.Error,
            });
        }
        return TypedResults.Ok(list);
    }
}
