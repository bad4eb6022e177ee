using System.Net;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Live;
using StreamGateway.Core.Http;

namespace StreamGateway.Tests.Unit;

public sealed class IngestLimitsTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static IOptions<IngestOptions> Limits(int total = 1000, int perAddress = 20, int failedKeys = 10, int blockSeconds = 60) =>
        Options.Create(new IngestOptions
        {
            MaxConnections = total,
            MaxConnectionsPerAddress = perAddress,
            MaxFailedKeysPerMinute = failedKeys,
            FailedKeyBlockSeconds = blockSeconds,
        });

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::")]
    public void Addresses_are_counted_per_IPv4_address_and_per_IPv6_64(string address, string bucket) =>
        Assert.Equal(IPAddress.Parse(bucket), PeerAddress.Bucket(IPAddress.Parse(address)));

    [Fact]
    public void The_connection_over_the_per_address_cap_is_refused_and_a_closed_one_makes_room()
    {
        var connections = new IngestConnections(Limits(perAddress: 3));
        var a = IPAddress.Parse("198.51.100.1");
        var slots = Enumerable.Range(0, 3).Select(i => connections.TryOpen(a, out var unused)).ToList();
        Assert.All(slots, Assert.NotNull);

        Assert.Null(connections.TryOpen(a, out var refusal));
        Assert.Contains("Ingest:MaxConnectionsPerAddress", refusal, StringComparison.Ordinal);
        // Another address is not affected.
        Assert.NotNull(connections.TryOpen(IPAddress.Parse("198.51.100.2"), out _));

        slots[0]!.Dispose();
        slots[0]!.Dispose(); // twice gives back one slot only
        Assert.NotNull(connections.TryOpen(a, out _));
        Assert.Null(connections.TryOpen(a, out _));
        Assert.Equal(4, connections.Count);
    }

    [Fact]
    public void One_IPv6_64_shares_one_per_address_cap()
    {
        var connections = new IngestConnections(Limits(perAddress: 2));
        Assert.NotNull(connections.TryOpen(IPAddress.Parse("2001:db8::1"), out _));
        Assert.NotNull(connections.TryOpen(IPAddress.Parse("2001:db8::2"), out _));
        Assert.Null(connections.TryOpen(IPAddress.Parse("2001:db8::3"), out _));
        Assert.NotNull(connections.TryOpen(IPAddress.Parse("2001:db8:0:1::3"), out _));
    }

    [Fact]
    public void The_connection_over_the_total_cap_is_refused_whatever_its_address()
    {
        var connections = new IngestConnections(Limits(total: 3, perAddress: 2));
        var first = connections.TryOpen(IPAddress.Parse("192.0.2.1"), out _);
        Assert.NotNull(connections.TryOpen(IPAddress.Parse("192.0.2.1"), out _));
        Assert.NotNull(connections.TryOpen(IPAddress.Parse("192.0.2.2"), out _));

        Assert.Null(connections.TryOpen(IPAddress.Parse("192.0.2.3"), out var refusal));
        Assert.Contains("Ingest:MaxConnections", refusal, StringComparison.Ordinal);
        first!.Dispose();
        Assert.NotNull(connections.TryOpen(IPAddress.Parse("192.0.2.3"), out _));
    }

    [Fact]
    public void An_address_is_blocked_at_the_limit_of_unknown_keys_and_released_when_the_block_ends()
    {
        var clock = new ManualClock();
        var limiter = new FailedKeyLimiter(Limits(failedKeys: 3, blockSeconds: 30), clock);
        var guesser = IPAddress.Parse("198.51.100.9");
        var other = IPAddress.Parse("198.51.100.10");

        Assert.False(limiter.RecordFailure(guesser));
        Assert.False(limiter.RecordFailure(guesser));
        Assert.Null(limiter.BlockedUntil(guesser));
        Assert.True(limiter.RecordFailure(guesser));
        Assert.Equal(clock.Now.AddSeconds(30), limiter.BlockedUntil(guesser));
        Assert.Null(limiter.BlockedUntil(other));

        clock.Now = clock.Now.AddSeconds(29);
        Assert.NotNull(limiter.BlockedUntil(guesser));
        clock.Now = clock.Now.AddSeconds(32); // the block and the minute are both over: a fresh start
        Assert.Null(limiter.BlockedUntil(guesser));
        Assert.False(limiter.RecordFailure(guesser));
        Assert.Null(limiter.BlockedUntil(guesser));
    }

    [Fact]
    public void Failures_spread_over_more_than_a_minute_do_not_add_up()
    {
        var clock = new ManualClock();
        var limiter = new FailedKeyLimiter(Limits(failedKeys: 3), clock);
        var address = IPAddress.Parse("192.0.2.50");
        for (var i = 0; i < 10; i++)
        {
            Assert.False(limiter.RecordFailure(address));
            clock.Now = clock.Now.AddSeconds(31);
        }
        Assert.Null(limiter.BlockedUntil(address));
    }

    [Fact]
    public void Addresses_whose_window_is_over_are_forgotten_when_the_table_is_full()
    {
        var clock = new ManualClock();
        var limiter = new FailedKeyLimiter(Limits(), clock);
        for (var i = 0; i < FailedKeyLimiter.MaxTracked; i++)
        {
            limiter.RecordFailure(new IPAddress(0x0A000000u + (uint)i));
        }
        Assert.Equal(FailedKeyLimiter.MaxTracked, limiter.Tracked);

        // Full of live entries: a new address goes uncounted; a minute later the old ones make room.
        limiter.RecordFailure(IPAddress.Parse("192.0.2.1"));
        Assert.Equal(FailedKeyLimiter.MaxTracked, limiter.Tracked);
        clock.Now = clock.Now.AddMinutes(1);
        limiter.RecordFailure(IPAddress.Parse("192.0.2.1"));
        Assert.Equal(1, limiter.Tracked);
    }
}
