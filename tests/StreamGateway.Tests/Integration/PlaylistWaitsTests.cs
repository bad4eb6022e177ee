using System.Diagnostics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Live;
using StreamGateway.Core.Playback;

namespace StreamGateway.Tests.Integration;

/// <summary>Held playlist requests, on the suite's Redis: bounded per node, and let go as soon as the playlist exists.</summary>
public sealed class PlaylistWaitsTests
{
    private static async Task<IConnectionMultiplexer> RedisAsync() =>
        await ConnectionMultiplexer.ConnectAsync((Environment.GetEnvironmentVariable("SG_REDIS_URL")
            ?? throw new InvalidOperationException("SG_REDIS_URL is not set (run ./dev test)")).Trim('\''));

    [Fact]
    public async Task Requests_beyond_the_limit_are_answered_at_once_instead_of_held()
    {
        var waits = new PlaylistWaits(await RedisAsync(), Options.Create(new HlsOptions { HoldSeconds = 3, MaxHeldRequests = 1 }));
        var pid = "w" + Guid.NewGuid().ToString("N")[..12];
        var clock = Stopwatch.StartNew();
        var held = waits.HoldAsync(pid, () => Task.FromResult(LivePlaylist.NotYet), CancellationToken.None);

        // A viewer flooding a stream that is not live holds one request; the next is told to come back at once.
        var refused = await waits.HoldAsync(pid, () => Task.FromResult(LivePlaylist.NotYet), CancellationToken.None);
        Assert.True(refused.Pending);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"the request over the limit waited {clock.Elapsed}");
        Assert.False(held.IsCompleted);

        Assert.True((await held).Pending);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(3), $"the held request was let go after {clock.Elapsed}");
        // Its place is free again.
        var next = waits.HoldAsync(pid, () => Task.FromResult(LivePlaylist.NotYet), CancellationToken.None);
        await Task.Delay(300);
        Assert.False(next.IsCompleted);
        await next;
    }

    [Fact]
    public async Task A_held_request_is_answered_when_the_playlist_appears_not_when_the_hold_ends()
    {
        var redis = await RedisAsync();
        var waits = new PlaylistWaits(redis, Options.Create(new HlsOptions { HoldSeconds = 8 }));
        var pid = "w" + Guid.NewGuid().ToString("N")[..12];
        var live = false;
        var clock = Stopwatch.StartNew();
        var held = waits.HoldAsync(pid, () => Task.FromResult(live ? new LivePlaylist("#EXTM3U\n", false) : LivePlaylist.NotYet),
            CancellationToken.None);
        await Task.Delay(500);
        live = true;
        await redis.GetSubscriber().PublishAsync(LivePlaylists.Changed, pid);
        Assert.Equal("#EXTM3U\n", (await held).Text);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"answered after {clock.Elapsed}");
    }
}
