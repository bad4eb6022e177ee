using System.Diagnostics;
using System.Text.RegularExpressions;

namespace StreamGateway.Tests.Integration.Transcoding;

public sealed partial class TranscodingTests
{
    /// <summary>
    /// What a new live stream's first viewers get: the orchestrator sessions are open before the first segment exists
    /// (its transcode does not wait for GetOrchestrator), and the first master that lists anything lists the whole
    /// ladder, each rendition announced as the orchestrators then make it.
    /// </summary>
    [Fact]
    public async Task A_publish_opens_its_sessions_before_its_first_segment_and_its_first_master_announces_the_ladder_as_it_is_made()
    {
        // An earlier test of this collection may have left the pool unreachable until its next refresh: with nobody
        // answering, there is nobody to open a session with.
        foreach (var address in Orchestrators)
        {
            await WaitUntilAsync(async () => await PoolEntryAsync(address) is { } e && e["responding"]!.GetValue<bool>(), 30,
                $"orchestrator {address} to answer");
        }
        var t = await Gw.NewTenantAsync();
        var stream = await t.CreateStreamAsync(new { name = "start-up", profiles = Ladder });
        var playbackId = stream["playbackId"]!.GetValue<string>();
        var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("SG_REDIS_URL")!.Trim('\''));
        using var viewer = new HttpClient();
        await using var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 14, video: "640x360");

        var clock = Stopwatch.StartNew();
        // A viewer asks for the master from the start: held while there is nothing to play, then 503 (never an empty
        // 200 or a 404), until the first answer with variants.
        var firstMasterTask = Task.Run(async () =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                using var master = await viewer.GetAsync(Gateway.HlsUrl(playbackId));
                if (master.IsSuccessStatusCode)
                {
                    return await master.Content.ReadAsStringAsync();
                }
                Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, master.StatusCode);
            }
            return null;
        });
        // Meanwhile: the publishing session, as the playlist state names it from the moment the publish is accepted,
        // and when its first orchestrator session is open.
        Guid? session = null;
        TimeSpan? opened = null;
        while (!firstMasterTask.IsCompleted)
        {
            if (session is null && (string?)await redis.GetDatabase().HashGetAsync($"sg:hls:{playbackId}", "session") is { } s)
            {
                session = Guid.Parse(s);
            }
            if (session is { } sid && opened is null && await redis.GetDatabase().SetLengthAsync($"sg:tx:{sid:N}:opened") > 0)
            {
                opened = clock.Elapsed;
            }
            await Task.WhenAny(firstMasterTask, Task.Delay(50));
        }
        var firstMaster = await firstMasterTask;
        Assert.NotNull(firstMaster);
        Assert.True(opened is not null, $"no orchestrator session was open when the stream went live ({clock.Elapsed}, session {session}); " +
            string.Join(", ", redis.GetServers()[0].Keys(pattern: $"sg:tx:{session:N}*").Select(k => (string)k!)));
        var variants = Variants(firstMaster);
        Assert.Equal(["source", "288p", "240p", "144p"], variants.Keys);

        // Once every rendition has segments, each is described by what it carries: the same as announced.
        await WaitUntilAsync(async () =>
        {
            foreach (var name in new[] { "288p", "240p", "144p" })
            {
                using var media = await viewer.GetAsync(Gateway.HlsUrl(playbackId, $"{name}/index.m3u8"));
                if (!media.IsSuccessStatusCode || !(await media.Content.ReadAsStringAsync()).Contains("#EXTINF", StringComparison.Ordinal))
                {
                    return false;
                }
            }
            return true;
        }, 40, "a segment in every rendition");
        var described = Variants(await viewer.GetStringAsync(Gateway.HlsUrl(playbackId)));
        foreach (var (name, announced) in variants)
        {
            Assert.Equal(announced.Picture, described[name].Picture);
        }
    }

    /// <summary>Each variant of a master playlist: its RESOLUTION, CODECS and FRAME-RATE, and its BANDWIDTH, by folder.</summary>
    private static Dictionary<string, (string Picture, long Bandwidth)> Variants(string master) =>
        VariantLine().Matches(master).ToDictionary(m => m.Groups["name"].Value,
            m => (m.Groups["picture"].Value, long.Parse(m.Groups["bw"].Value, System.Globalization.CultureInfo.InvariantCulture)));

    [GeneratedRegex("#EXT-X-STREAM-INF:BANDWIDTH=(?<bw>\\d+),(?<picture>[^\\n]*)\\n(?<name>[^/\\n]+)/index\\.m3u8")]
    private static partial Regex VariantLine();
}
