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
    [JsonPropertyName("UserID")] public required string UserId { get; init; }
    [JsonPropertyName("CreatorID")] public string? CreatorId { get; init; }
    /// <summary>Transcoded minutes (Studio's total usage).</summary>
    [JsonPropertyName("TotalUsageMins")] public double TotalUsageMins { get; init; }
    /// <summary>Viewer delivery is not metered yet: always 0.</summary>
    [JsonPropertyName("DeliveryUsageMins")] public double DeliveryUsageMins { get; init; }
    /// <summary>Stored minutes: assets come with VOD; 0 until then.</summary>
    [JsonPropertyName("StorageUsageMins")] public double StorageUsageMins { get; init; }
    [JsonPropertyName("SourceMins")] public double SourceMins { get; init; }
    [JsonPropertyName("TranscodedMins")] public double TranscodedMins { get; init; }
    [JsonPropertyName("OutputPixels")] public long OutputPixels { get; init; }
    /// <summary>Wei paid to orchestrators in tickets (expected value), as a decimal string.</summary>
    [JsonPropertyName("PaidWei")] public required string PaidWei { get; init; }
}

public static class UsageEndpoints
{
    public static RouteGroupBuilder MapUsage(this RouteGroupBuilder api)
    {
        api.MapGet("/data/usage/query", QueryAsync).WithTags("Metrics").WithName("getUsageMetrics")
            .WithSummary("The caller's project usage in the hours overlapping from (inclusive) to (exclusive), epoch milliseconds")
            .Produces<UsageMetricResource>();
        return api;
    }

    private static async Task<IResult> QueryAsync(HttpContext http, GatewayDbContext db, long? from, long? to, CancellationToken ct)
    {
        var caller = Caller.From(http);
        if (from is < 0 || to is < 0 || (from is { } f && to is { } t && t < f))
        {
            return ApiError.Unprocessable(["from and to must be epoch milliseconds with from <= to"]);
        }
        // Usage is kept per hour: every hour that overlaps [from, to) counts.
        var query = db.Set<UsageHour>().AsNoTracking().Where(u => u.ProjectId == caller.ProjectId);
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
            TranscodedMins = Math.Round(transcoded, 3),
            OutputPixels = hours.Sum(u => u.OutputPixels),
            PaidWei = hours.Aggregate(0m, (sum, u) => sum + u.PaidWei).ToString(CultureInfo.InvariantCulture),
        });
    }
}
