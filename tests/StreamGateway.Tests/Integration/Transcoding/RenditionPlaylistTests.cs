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

    private static readonly LiveVariant Low = new("low", new RenditionInfo(320, 180, 30, "avc1.64000d,mp4a.40.2"), 400_000);

    private static string Pid() => "t" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Renditions_use_the_source_sequence_and_wait_for_earlier_segments()
    {
        var playlists = Playlists();
        var pid = Pid();
        await playlists.StartSessionAsync(pid, Guid.NewGuid(), Guid.NewGuid(), null);
        for (var i = 0; i < 3; i++)
        {
            var source = await playlists.AppendAsync(pid, LivePlaylists.Source, $"s_{i}.ts", 2, 1000, keepAll: false, [Low]);
            Assert.Equal(i, source.Sequence);
        }
        // Segment 1 finishes first: nothing is published until 0 is in, then 0 and 1 together; 2 fails for good.
        await playlists.SettleAsync(pid, "low", 1, "s_1.ts", 2, 500, false, gap: false, keepAll: false);
        Assert.True((await playlists.MediaAsync(pid, "low")).Pending); // in the ladder: held, then "come back"
        await playlists.SettleAsync(pid, "low", 0, "s_0.ts", 2, 500, false, gap: false, keepAll: false);
        await playlists.SettleAsync(pid, "low", 2, "gap_2.ts", 2, 0, false, gap: true, keepAll: false);
        var media = (await playlists.MediaAsync(pid, "low")).Text;
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.000,\ns_0.ts\n#EXTINF:2.000,\ns_1.ts\n#EXT-X-GAP\n#EXTINF:2.000,\ngap_2.ts\n", media, StringComparison.Ordinal);
        Assert.Contains("low/index.m3u8", (await playlists.MasterAsync(pid)).Text, StringComparison.Ordinal);
        Assert.Equal(LivePlaylist.Missing, await playlists.MediaAsync(pid, "high")); // never in the ladder
    }

    [Fact]
    public async Task The_master_lists_the_whole_ladder_from_the_first_source_segment_and_corrects_it_from_the_renditions()
    {
        var playlists = Playlists();
        var pid = Pid();
        await playlists.StartSessionAsync(pid, Guid.NewGuid(), Guid.NewGuid(), null);
        Assert.Equal(LivePlaylist.NotYet, await playlists.MasterAsync(pid));
        var source = new RenditionInfo(1280, 720, 30, "avc1.64001F,mp4a.40.2");
        var mid = new LiveVariant("mid", new RenditionInfo(640, 360, 30, "avc1.64001e,mp4a.40.2"), 1_400_000);
        await playlists.AppendAsync(pid, LivePlaylists.Source, "s_0.ts", 2, 750_000, keepAll: false, [Low, mid], picture: source);

        // Before either rendition has a segment: the source first (players such as Safari start on the first variant),
        // then the renditions as predicted, by bandwidth.
        Assert.Equal(string.Join("\n",
            "#EXTM3U",
            "#EXT-X-VERSION:3",
            "#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1280x720,CODECS=\"avc1.64001F,mp4a.40.2\",FRAME-RATE=30.000",
            "source/index.m3u8",
            "#EXT-X-STREAM-INF:BANDWIDTH=1400000,RESOLUTION=640x360,CODECS=\"avc1.64001e,mp4a.40.2\",FRAME-RATE=30.000",
            "mid/index.m3u8",
            "#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=320x180,CODECS=\"avc1.64000d,mp4a.40.2\",FRAME-RATE=30.000",
            "low/index.m3u8",
            ""), (await playlists.MasterAsync(pid)).Text);

        // The rendition's own segments describe it from then on, and a peak above the prediction raises its bandwidth.
        await playlists.SettleAsync(pid, "low", 0, "s_0.ts", 2, 125_000, false, gap: false, keepAll: false,
            picture: new RenditionInfo(320, 180, 30, "avc1.64000c,mp4a.40.2"));
        Assert.Contains("BANDWIDTH=500000,RESOLUTION=320x180,CODECS=\"avc1.64000c,mp4a.40.2\",FRAME-RATE=30.000\nlow/index.m3u8",
            (await playlists.MasterAsync(pid)).Text, StringComparison.Ordinal);

        // Listing only what has segments (ListRenditionsAhead off) holds the master until the whole ladder is there.
        var holding = new LivePlaylists(ConnectionMultiplexer.Connect(Environment.GetEnvironmentVariable("SG_REDIS_URL")!.Trim('\'')),
            Options.Create(new HlsOptions { ListRenditionsAhead = false }));
        Assert.True((await holding.MasterAsync(pid)).Pending);
        await playlists.SettleAsync(pid, "mid", 0, "s_0.ts", 2, 300_000, false, gap: false, keepAll: false);
        Assert.Contains("mid/index.m3u8", (await holding.MasterAsync(pid)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_segment_that_never_settles_becomes_a_gap_after_the_wait()
    {
        var playlists = Playlists(waitSeconds: 1);
        var pid = Pid();
        await playlists.StartSessionAsync(pid, Guid.NewGuid(), Guid.NewGuid(), null);
        for (var i = 0; i < 3; i++)
        {
            await playlists.AppendAsync(pid, LivePlaylists.Source, $"s_{i}.ts", 2, 1000, keepAll: false, [Low]);
        }
        await playlists.SettleAsync(pid, "low", 1, "s_1.ts", 2, 500, false, gap: false, keepAll: false);
        Assert.True((await playlists.MediaAsync(pid, "low")).Pending); // in the ladder: held, then "come back"
        await Task.Delay(1200);
        // The next settle in this rendition gives up on segment 0, whose job never reported.
        await playlists.SettleAsync(pid, "low", 2, "s_2.ts", 2, 500, false, gap: false, keepAll: false);
        var media = (await playlists.MediaAsync(pid, "low")).Text;
        Assert.Contains("#EXT-X-GAP\n#EXTINF:2.000,\ngap_0.ts\n#EXTINF:2.000,\ns_1.ts\n#EXTINF:2.000,\ns_2.ts\n", media, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Segments_held_behind_a_lost_one_are_released_by_the_sweep_when_no_later_segment_comes()
    {
        var playlists = Playlists(waitSeconds: 1);
        var pid = Pid();
        await playlists.StartSessionAsync(pid, Guid.NewGuid(), Guid.NewGuid(), null);
        for (var i = 0; i < 3; i++)
        {
            await playlists.AppendAsync(pid, LivePlaylists.Source, $"s_{i}.ts", 2, 1000, keepAll: false, [Low]);
        }
        // Segment 0's job died with its node; 1 and 2 settled, then the publish ended: no settle will come again.
        await playlists.SettleAsync(pid, "low", 1, "s_1.ts", 2, 500, false, gap: false, keepAll: false);
        await playlists.SettleAsync(pid, "low", 2, "s_2.ts", 2, 500, false, gap: false, keepAll: false);
        // Within the wait a sweep releases nothing (segment 0 may still come).
        await playlists.ReleaseStalledAsync();
        Assert.True((await playlists.MediaAsync(pid, "low")).Pending);
        await Task.Delay(1200);
        var released = await playlists.ReleaseStalledAsync();
        Assert.Contains(released, r => r.PlaybackId == pid && r.Rendition == "low");
        var media = (await playlists.MediaAsync(pid, "low")).Text;
        Assert.Contains("#EXT-X-GAP\n#EXTINF:2.000,\ngap_0.ts\n#EXTINF:2.000,\ns_1.ts\n#EXTINF:2.000,\ns_2.ts\n", media, StringComparison.Ordinal);
        // Released once: the rendition is no longer swept, and a second sweep changes nothing.
        Assert.DoesNotContain(await playlists.ReleaseStalledAsync(), r => r.PlaybackId == pid);
        Assert.Equal(media, (await playlists.MediaAsync(pid, "low")).Text);
    }

    [Fact]
    public async Task A_rendition_whose_first_segment_failed_is_no_longer_announced_until_it_has_one()
    {
        var playlists = Playlists();
        var pid = Pid();
        await playlists.StartSessionAsync(pid, Guid.NewGuid(), Guid.NewGuid(), null);
        await playlists.AppendAsync(pid, LivePlaylists.Source, "s_0.ts", 2, 1000, keepAll: false, [Low]);
        Assert.Contains("low/index.m3u8", (await playlists.MasterAsync(pid)).Text, StringComparison.Ordinal);

        await playlists.SettleAsync(pid, "low", 0, "gap_0.ts", 2, 0, false, gap: true, keepAll: false);
        Assert.DoesNotContain("low/index.m3u8", (await playlists.MasterAsync(pid)).Text, StringComparison.Ordinal);
        // A player that was told of it reads a playlist of gaps, which it skips, instead of waiting for one.
        Assert.Contains("#EXT-X-GAP\n#EXTINF:2.000,\ngap_0.ts\n", (await playlists.MediaAsync(pid, "low")).Text, StringComparison.Ordinal);

        await playlists.AppendAsync(pid, LivePlaylists.Source, "s_1.ts", 2, 1000, keepAll: false, [Low]);
        await playlists.SettleAsync(pid, "low", 1, "s_1.ts", 2, 500, false, gap: false, keepAll: false);
        Assert.Contains("low/index.m3u8", (await playlists.MasterAsync(pid)).Text, StringComparison.Ordinal);
    }
}
