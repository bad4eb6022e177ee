using Microsoft.Extensions.Options;
using StreamGateway.Core.Assets;

namespace StreamGateway.Tests.Unit.Assets;

/// <summary>The upload limits' pure rules: size cap, project quota, free-space floor, and how long an upload URL starts uploads.</summary>
public sealed class UploadLimitRulesTests
{
    private const long GiB = 1L << 30;

    // A 10 GiB cap, a 100 GiB quota of which 40 GiB is used, and a 2 GiB floor: the defaults with some usage.
    private static readonly UploadBudget Budget = new(ProjectBytes: 40 * GiB, MaxUploadBytes: 10 * GiB, MaxProjectBytes: 100 * GiB,
        MinFreeDiskBytes: 2 * GiB);

    [Theory]
    [InlineData(5 * GiB, 0, 50 * GiB, null)] // fits everywhere
    [InlineData(11 * GiB, 0, 50 * GiB, 413)] // over the cap
    [InlineData(null, 11 * GiB, 50 * GiB, 413)] // an undeclared body grows over the cap
    [InlineData(5 * GiB, 0, 6 * GiB, 507)] // 5 GiB to come on 6 GiB free would leave 1, under the 2 GiB floor
    [InlineData(5 * GiB, 4 * GiB, 4 * GiB, null)] // 1 GiB still to come on 4 GiB free leaves 3: it goes on
    [InlineData(5 * GiB, 4 * GiB, 2 * GiB, 507)] // ... but not once the disk has filled to 2 GiB free (by others too)
    [InlineData(null, 1 * GiB, 1 * GiB, 507)] // an undeclared body stops when it has left less than the floor
    [InlineData(100L, 101L, 50 * GiB, 400)] // past its declared length
    public void Each_limit_refuses_with_its_own_status(long? size, long written, long free, int? expected) =>
        Assert.Equal(expected, Budget.Check(size, written, free)?.StatusCode);

    [Fact]
    public void The_quota_counts_what_the_project_already_has()
    {
        Assert.Null(Budget.Check(10 * GiB, 0, 500 * GiB));
        var tight = Budget with { ProjectBytes = 95 * GiB };
        Assert.Null(tight.Check(5 * GiB, 0, 500 * GiB));
        var refusal = tight.Check(5 * GiB + 1, 0, 500 * GiB);
        Assert.Equal(403, refusal?.StatusCode);
        Assert.Contains("quota", refusal!.Message, StringComparison.Ordinal);
        // An undeclared body is stopped when it passes the quota.
        Assert.Equal(403, tight.Check(null, 5 * GiB + 1, 500 * GiB)?.StatusCode);
        Assert.Null(tight.CheckRoomLeft());
        Assert.Equal(403, (Budget with { ProjectBytes = 100 * GiB }).CheckRoomLeft()?.StatusCode);
    }

    [Fact]
    public void A_floor_of_zero_is_off_and_the_disk_message_is_clear()
    {
        Assert.Null((Budget with { MinFreeDiskBytes = 0 }).Check(5 * GiB, 0, 5 * GiB));
        var refusal = Budget.Check(5 * GiB, 0, 5 * GiB);
        Assert.Equal(507, refusal?.StatusCode);
        Assert.Contains("disk space", refusal!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_url_starts_uploads_for_an_hour_and_is_then_only_good_for_one_in_progress()
    {
        var clock = new SetClock(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var options = Options.Create(new AssetOptions { UploadSecret = "unit-test-secret" });
        Assert.Equal(60, options.Value.UploadUrlMinutes);
        var tokens = new UploadTokens(null!, options, clock); // with a configured secret Redis is never asked
        var asset = Guid.NewGuid();
        var token = await tokens.IssueAsync(asset);

        Assert.Equal(new UploadGrant(asset, Expired: false), await tokens.ReadAsync(token));
        clock.Now = clock.Now.AddMinutes(59);
        Assert.Equal(new UploadGrant(asset, Expired: false), await tokens.ReadAsync(token));
        clock.Now = clock.Now.AddMinutes(2);
        Assert.Equal(new UploadGrant(asset, Expired: true), await tokens.ReadAsync(token));

        var parts = token.Split('.');
        Assert.Null(await tokens.ReadAsync($"{parts[0]}.{long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) + 86_400}.{parts[2]}"));
        Assert.Null(await tokens.ReadAsync("not a token"));
    }

    private sealed class SetClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
