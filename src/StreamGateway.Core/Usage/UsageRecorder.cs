using System.Numerics;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Usage;

/// <summary>Adds to usage with one upsert per event, so concurrent segments never lose an update.</summary>
public sealed class UsageRecorder(IServiceScopeFactory scopes)
{
    public async Task AddAsync(UsageSubject subject, DateTimeOffset at, double sourceSeconds = 0, double transcodedSeconds = 0,
        long outputPixels = 0, BigInteger paidWei = default, double deliveredSeconds = 0)
    {
        var hour = new DateTimeOffset(at.UtcDateTime.Year, at.UtcDateTime.Month, at.UtcDateTime.Day, at.UtcDateTime.Hour, 0, 0, TimeSpan.Zero);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO usage_hours ("ProjectId", "Hour", "StreamId", "AssetId", "SourceSeconds", "TranscodedSeconds", "OutputPixels", "PaidWei", "DeliveredSeconds")
            VALUES ({subject.ProjectId}, {hour}, {subject.StreamId}, {subject.AssetId}, {sourceSeconds}, {transcodedSeconds}, {outputPixels}, {(decimal)paidWei},
              {deliveredSeconds})
            ON CONFLICT ("ProjectId", "Hour", "StreamId", "AssetId") DO UPDATE SET
              "SourceSeconds" = usage_hours."SourceSeconds" + excluded."SourceSeconds",
              "TranscodedSeconds" = usage_hours."TranscodedSeconds" + excluded."TranscodedSeconds",
              "OutputPixels" = usage_hours."OutputPixels" + excluded."OutputPixels",
              "PaidWei" = usage_hours."PaidWei" + excluded."PaidWei",
              "DeliveredSeconds" = usage_hours."DeliveredSeconds" + excluded."DeliveredSeconds"
            """);
    }
}
