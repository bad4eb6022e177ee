using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Usage;

/// <summary>
/// Studio's usage metric (the SDK's <c>metrics.getUsage</c> reads these PascalCase names), plus what this gateway
/// measures: source minutes ingested, transcoded minutes, output pixels and wei paid to orchestrators.
/// </summary>
public sealed class UsageMetricResource
{
    [JsonPropertyName("UserID"), Description("The caller's user id.")] public required string UserId { get; init; }
    [JsonPropertyName("CreatorID"), Description("Studio's creator id; not used by this gateway.")] public string? CreatorId { get; init; }
    /// <summary>Transcoded minutes (Studio's total usage).</summary>
    [JsonPropertyName("TotalUsageMins"), Description("Transcoded minutes, as Studio counts total usage.")] public double TotalUsageMins { get; init; }
    /// <summary>Viewer delivery is not metered yet: always 0.</summary>
    [JsonPropertyName("DeliveryUsageMins"), Description("Minutes of media the gateway served to viewers (HLS segments).")] public double DeliveryUsageMins { get; init; }
    /// <summary>Stored minutes: assets come with VOD; 0 until then.</summary>
    [JsonPropertyName("StorageUsageMins"), Description("Minutes of stored assets; 0 until assets exist.")] public double StorageUsageMins { get; init; }
    [JsonPropertyName("SourceMins"), Description("Minutes of source video ingested (live segments received).")] public double SourceMins { get; init; }
    [JsonPropertyName("TranscodedMins"), Description("Minutes of source video whose every rendition was transcoded, checked and published.")] public double TranscodedMins { get; init; }
    [JsonPropertyName("OutputPixels"), Description("Pixels of all renditions made (width x height x frames), as orchestrators are paid for them.")] public long OutputPixels { get; init; }
    /// <summary>Wei paid to orchestrators in tickets (expected value), as a decimal string.</summary>
    [JsonPropertyName("PaidWei"), Description("Wei paid to orchestrators in probabilistic tickets (their expected value), as a decimal string.")] public required string PaidWei { get; init; }
}

public static class UsageEndpoints
{
    public static RouteGroupBuilder MapUsage(this RouteGroupBuilder api)
    {
        api.MapGet("/data/usage/query", QueryAsync).WithTags("Metrics").WithName("getUsageMetrics")
            .WithSummary("The caller's project usage in the hours overlapping from (inclusive) to (exclusive), epoch milliseconds; " +
                "streamId or assetId narrows it to one stream or asset of the project")
            .Produces<UsageMetricResource>().Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> QueryAsync(HttpContext http, GatewayDbContext db, long? from, long? to, string? streamId, string? assetId,
        CancellationToken ct)
    {
        var caller = Caller.From(http);
        var latest = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();
        if (from is < 0 || to is < 0 || from > latest || to > latest || (from is { } f && to is { } t && t < f))
        {
            return ApiError.Unprocessable(["from and to must be epoch milliseconds (before the year 10000) with from <= to"]);
        }
        // Usage is kept per hour and per stream or asset: every hour that overlaps [from, to) counts.
        var query = db.Set<UsageHour>().AsNoTracking().Where(u => u.ProjectId == caller.ProjectId);
        if (streamId is not null)
        {
            // Another project's stream (or none at all) is not found, never an empty report.
            if (!Guid.TryParse(streamId, out var id) || !await db.Streams.AnyAsync(s => s.Id == id && s.ProjectId == caller.ProjectId, ct))
            {
                return ApiError.NotFound("stream not found");
            }
            query = query.Where(u => u.StreamId == id);
        }
        if (assetId is not null)
        {
            // Asset usage is recorded as assets are transcoded; an id with none in this project is not found.
            if (!Guid.TryParse(assetId, out var id) || id == Guid.Empty ||
                !await db.Set<UsageHour>().AnyAsync(u => u.ProjectId == caller.ProjectId && u.AssetId == id, ct))
            {
                return ApiError.NotFound("asset not found");
            }
            query = query.Where(u => u.AssetId == id);
        }
        if (from is { } a)
        {
            var after = DateTimeOffset.FromUnixTimeMilliseconds(a).AddHours(-1);
            query = query.Where(u => u.Hour > after);
        }
        if (to is { } b)
        {
            var before = DateTimeOffset.FromUnixTimeMilliseconds(b);
            query = query.Where(u => u.Hour < before);
        }
        var hours = await query.ToListAsync(ct);
        var transcoded = hours.Sum(u => u.TranscodedSeconds) / 60;
        return TypedResults.Ok(new UsageMetricResource
        {
            UserId = caller.UserId.ToString(),
            TotalUsageMins = Math.Round(transcoded, 3),
            SourceMins = Math.Round(hours.Sum(u => u.SourceSeconds) / 60, 3),
            DeliveryUsageMins = Math.Round(hours.Sum(u => u.DeliveredSeconds) / 60, 3),
            TranscodedMins = Math.Round(transcoded, 3),
            OutputPixels = hours.Sum(u => u.OutputPixels),
            PaidWei = hours.Aggregate(0m, (sum, u) => sum + u.PaidWei).ToString(CultureInfo.InvariantCulture),
        });
    }
}
