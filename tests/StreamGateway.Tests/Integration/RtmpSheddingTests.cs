using System.Globalization;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// Hostile RTMP peers against the suite's gateway, each from a loopback address of its own (127.0.0.x), so the
/// per-address limits they trip are theirs alone: they are shed, and honest publishers carry on.
/// </summary>
public sealed class RtmpSheddingTests(ITestOutputHelper output)
{
    private static readonly Gateway Gw = Gateway.Instance;

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("Ingest__" + name), CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static string StateDir => Environment.GetEnvironmentVariable("SG_STATE_DIR")
                                      ?? throw new InvalidOperationException("SG_STATE_DIR is not set (run ./dev test)");

    private static async Task<string> GatewayLogAsync() => await File.ReadAllTextAsync(Path.Combine(StateDir, "logs", "gateway.log"));

    /// <summary>The gateway's log gets the line within seconds (its console logger writes in the background).</summary>
    private static Task LogShowsAsync(string text) =>
        Poll.UntilAsync(async () => (await GatewayLogAsync()).Contains(text, StringComparison.Ordinal), 10, $"the gateway log to say \"{text}\"");

    private static int GatewayPid() => int.Parse(File.ReadAllText(Path.Combine(StateDir, "run", "gateway.pid")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The gateway's resident memory in MiB, from /proc.</summary>
    private static long ResidentMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    [Fact]
    public async Task A_peer_that_never_publishes_is_closed_at_the_publish_deadline()
    {
        var deadline = TimeSpan.FromSeconds(Setting("PublishDeadlineSeconds", 10));
        var started = DateTime.UtcNow;
        using var silent = await RawRtmpPeer.ConnectAsync("127.0.0.11");
        using var busy = await RawRtmpPeer.ConnectAsync("127.0.0.11");
        await busy.HandshakeAsync();
        await busy.ConnectCommandAsync();

        // The busy one pings twice a second, so the idle timeout never ends it; only the deadline can.
        using var stop = new CancellationTokenSource();
        var pings = Task.Run(async () =>
        {
            for (uint i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await busy.PingAsync(i);
                    await Task.Delay(500, stop.Token);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    return;
                }
            }
        });
        var within = deadline + TimeSpan.FromSeconds(3) - (DateTime.UtcNow - started);
        Assert.True(await silent.ClosedByGatewayWithinAsync(within), "a silent connection outlived the publish deadline");
        Assert.True(await busy.ClosedByGatewayWithinAsync(TimeSpan.FromSeconds(1)), "a busy connection outlived the publish deadline");
        await stop.CancelAsync();
        await pings;

        var reason = $"dropped: no publish within {deadline.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
        await LogShowsAsync("RTMP peer 127.0.0.11:");
        await LogShowsAsync(reason);
    }

    [Fact]
    public async Task The_connection_over_the_per_address_cap_is_closed_before_its_handshake()
    {
        var cap = Setting("MaxConnectionsPerAddress", 20);
        var open = new List<RawRtmpPeer>();
        try
        {
            for (var i = 0; i < cap; i++)
            {
                open.Add(await RawRtmpPeer.ConnectAsync("127.0.0.12"));
            }
            using (var extra = await RawRtmpPeer.ConnectAsync("127.0.0.12"))
            {
                Assert.True(await extra.ClosedByGatewayWithinAsync(TimeSpan.FromSeconds(2)), $"connection {cap + 1} from one address was kept");
            }
            // The ones under the cap are still waiting for their handshake; the first of them can still make it.
            await open[0].HandshakeAsync();
            await LogShowsAsync("RTMP connection from 127.0.0.12 closed on accept");
            await LogShowsAsync("(Ingest:MaxConnectionsPerAddress)");

            // A connection that ends gives its place back.
            open[^1].Dispose();
            open.RemoveAt(open.Count - 1);
            await Poll.UntilAsync(async () =>
            {
                using var again = await RawRtmpPeer.ConnectAsync("127.0.0.12");
                return !await again.ClosedByGatewayWithinAsync(TimeSpan.FromMilliseconds(500));
            }, 5, "a place under the cap again");
        }
        finally
        {
            open.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public async Task Peers_that_pile_up_media_are_dropped_without_the_gateway_growing_while_an_honest_publish_goes_on()
    {
        var t = await Gw.NewTenantAsync();
        var honest = await t.CreateStreamAsync(new { name = "honest" });
        var hostile = await t.CreateStreamAsync(new { name = "hostile" });
        var pid = GatewayPid();
        var before = ResidentMiB(pid);
        await using var broadcaster = Broadcaster.Start((string)honest["streamKey"]!, seconds: 8);

        long peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, ResidentMiB(pid));
                await Task.Delay(100, CancellationToken.None);
            }
        });

        // With a valid key: 4 MiB video frames (600 MiB in all), all at time 0 and no audio, so the tracks never look
        // known and the gateway would hold them all (up to 300) before starting its segmenter.
        using var piler = await RawRtmpPeer.ConnectAsync("127.0.0.13");
        Assert.Equal("start", await piler.PublishAsync((string)hostile["streamKey"]!));
        await piler.SetChunkSizeAsync(65536);
        var frame = new byte[4 * 1024 * 1024];
        frame[0] = 0x27; // AVC inter frame
        frame[1] = 1;    // NALU
        const int frames = 150;
        var piling = Task.Run(async () =>
        {
            var sent = 0;
            try
            {
                for (; sent < frames; sent++)
                {
                    await piler.SendMessageAsync(6, 9, 1, 0, frame);
                }
            }
            catch (SocketException)
            {
                // dropped mid-send
            }
            return sent;
        });

        // Without a key: on each chunk stream a nearly whole 8 MiB message (480 MiB in all), abandoned by a new header
        // with one chunk of another one. Few bytes are ever unfinished at once; the buffers of the abandoned ones must
        // not stay.
        using var abandoner = await RawRtmpPeer.ConnectAsync("127.0.0.14");
        await abandoner.HandshakeAsync();
        await abandoner.ConnectCommandAsync();
        await abandoner.SetChunkSizeAsync(65536);
        const int length = 8 * 1024 * 1024;
        var body = new byte[length - 65536];
        var abandoning = Task.Run(async () =>
        {
            try
            {
                for (var csid = 4; csid < 64; csid++)
                {
                    await abandoner.SendUnfinishedAsync(csid, 9, 1, 0, length, body);
                    await abandoner.SendUnfinishedAsync(csid, 9, 1, 0, length, body.AsMemory(0, 65536));
                }
            }
            catch (SocketException)
            {
                // dropped mid-send
            }
        });

        await Task.WhenAll(piling, abandoning);
        Assert.True(await piling < frames, $"the gateway took all {frames} frames of 4 MiB");
        Assert.True(await piler.ClosedByGatewayWithinAsync(TimeSpan.FromSeconds(5)), "the peer piling up media was not dropped");
        Assert.True(await abandoner.ClosedByGatewayWithinAsync(TimeSpan.FromSeconds(Setting("PublishDeadlineSeconds", 10) + 3)),
            "the peer abandoning messages was not dropped");
        await stop.CancelAsync();
        await sampler;
        output.WriteLine($"gateway resident memory: {before} MiB before, {peak} MiB at the most");
        // Either peer unchecked adds its whole volume (both together: ~950 MiB with 100 frames). With the caps the
        // growth is the honest publish, first use and GC slack: ~130 MiB in a gateway that had published nothing yet.
        Assert.True(peak - before < 400, $"the gateway grew from {before} MiB to {peak} MiB");

        var (exit, stderr) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, stderr);
        using var viewer = Gw.Client();
        var playlist = await viewer.GetStringAsync($"{Environment.GetEnvironmentVariable("SG_HLS_URL")}/{honest["playbackId"]}/source/index.m3u8");
        Assert.True(playlist.Split("#EXTINF").Length - 1 >= 3, playlist);
        await LogShowsAsync($"Dropped the publisher of stream {hostile["id"]}");
    }

    [Fact]
    public async Task An_address_that_guesses_keys_is_refused_on_accept_while_other_addresses_publish()
    {
        var limit = Setting("MaxFailedKeysPerMinute", 10);
        var block = TimeSpan.FromSeconds(Setting("FailedKeyBlockSeconds", 60));
        var t = await Gw.NewTenantAsync();
        var key = (string)(await t.CreateStreamAsync(new { name = "guessed at" }))["streamKey"]!;

        for (var i = 0; i < limit; i++)
        {
            using var guess = await RawRtmpPeer.ConnectAsync("127.0.0.15");
            Assert.Equal("badname", await guess.PublishAsync("guess-" + Guid.NewGuid().ToString("N")));
        }
        var blockedAt = DateTime.UtcNow;

        // Over the limit: closed on accept, before a handshake, even with the right key.
        using (var refused = await RawRtmpPeer.ConnectAsync("127.0.0.15"))
        {
            Assert.True(await refused.ClosedByGatewayWithinAsync(TimeSpan.FromSeconds(1)), "a guessing address got another try");
        }
        using (var refused = await RawRtmpPeer.ConnectAsync("127.0.0.15"))
        {
            Assert.Equal("closed", await refused.PublishAsync(key));
        }
        await LogShowsAsync("RTMP address 127.0.0.15 refused for");

        // Another address publishes with the right key meanwhile.
        using (var other = await RawRtmpPeer.ConnectAsync("127.0.0.16"))
        {
            Assert.Equal("start", await other.PublishAsync(key));
        }

        // When the block is over, the address may publish again.
        if (block <= TimeSpan.FromSeconds(20))
        {
            await Task.Delay(blockedAt + block - DateTime.UtcNow + TimeSpan.FromMilliseconds(500));
            using var later = await RawRtmpPeer.ConnectAsync("127.0.0.15");
            Assert.Equal("start", await later.PublishAsync(key));
        }
    }
}
