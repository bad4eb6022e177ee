using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Live;

namespace StreamGateway.Tests.Integration.Transcoding;

/// <summary>Rendition playlists in the suite's Redis: segments settle in any order but are published in order.</summary>
public sealed class RenditionPlaylistTests
{
    private static LivePlaylists Playlists(double waitSeconds = 20)
    {
        var url = (Environment.GetEnvironmentVariable("SG_REDIS_URL") ?? throw new InvalidOperationException("SG_REDIS_URL is not set (run ./dev test)")).Trim('\'');
        return new LivePlaylists(ConnectionMultiplexer.Connect(url),
            Options.Create(new HlsOptions { WindowSegments = 6, RetainSegments = 6, RenditionWaitSeconds = waitSeconds }));
    }

    private static string Pid() => "t" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Renditions_use_the_source_sequence_and_wait_for_earlier_segments()
    {
        var playlists = Playlists();
        var pid = Pid();
        await playlists.StartSessionAsync(pid, Guid.NewGuid());
        for (var i = 0; i < 3; i++)
        {
            var source = await playlists.AppendAsync(pid, LivePlaylists.Source, $"s_{i}.ts", 2, 1000, keepAll: false, ["low"]);
            Assert.Equal(i, source.Sequence);
        }
        // Segment 1 finishes first: nothing is published until 0 is in, then 0 and 1 together; 2 fails for good.
        await playlists.SettleAsync(pid, "low", 1, "s_1.ts", 2, 500, false, gap: false, keepAll: false);
        Assert.Null(await playlists.MediaAsync(pid, "low"));
        await playlists.SettleAsync(pid, "low", 0, "s_0.ts", 2, 500, false, gap: false, keepAll: false);
        await playlists.SettleAsync(pid, "low", 2, "gap_2.ts", 2, 0, false, gap: true, keepAll: false);
        var media = await playlists.MediaAsync(pid, "low");
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.000,\ns_0.ts\n#EXTINF:2.000,\ns_1.ts\n#EXT-X-GAP\n#EXTINF:2.000,\ngap_2.ts\n", media, StringComparison.Ordinal);
        Assert.Contains("low/index.m3u8", await playlists.MasterAsync(pid), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_segment_that_never_settles_becomes_a_gap_after_the_wait()
    {
        var playlists = Playlists(waitSeconds: 1);
        var pid = Pid();
        await playlists.StartSessionAsync(pid, Guid.NewGuid());
        for (var i = 0; i < 3; i++)
        {
            await playlists.AppendAsync(pid, LivePlaylists.Source, $"s_{i}.ts", 2, 1000, keepAll: false, ["low"]);
        }
        await playlists.SettleAsync(pid, "low", 1, "s_1.ts", 2, 500, false, gap: false, keepAll: false);
        Assert.Null(await playlists.MediaAsync(pid, "low"));
        await Task.Delay(1200);
        // The next settle in this rendition gives up on segment 0, whose job never reported.
        await playlists.SettleAsync(pid, "low", 2, "s_2.ts", 2, 500, false, gap: false, keepAll: false);
        var media = await playlists.MediaAsync(pid, "low");
        Assert.Contains("#EXT-X-GAP\n#EXTINF:2.000,\ngap_0.ts\n#EXTINF:2.000,\ns_1.ts\n#EXTINF:2.000,\ns_2.ts\n", media, StringComparison.Ordinal);
    }
}
