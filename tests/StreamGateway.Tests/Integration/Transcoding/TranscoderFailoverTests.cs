using System.Text.Json.Nodes;

namespace StreamGateway.Tests.Integration.Transcoding;

/// <summary>
/// Orchestrator 1 of the devnet hands its segments to the two transcoder processes `./dev` starts; killing them in the
/// middle of a stream loses no segment: one in flight goes to the other transcoder or to the orchestrator itself.
/// </summary>
[Collection(DevnetOrchestrators.Name)]
public sealed class TranscoderFailoverTests
{
    private static Gateway Gw => Gateway.Instance;

    private static async Task<long> TranscodedAsync(Tenant t, string id) =>
        (long)(await Json.ReadObjectAsync(await t.Http.GetAsync($"api/stream/{id}")))!["transcodedSegments"]!;

    [Fact]
    public async Task Segments_reach_orchestrator_1s_transcoders_and_none_is_lost_when_they_are_killed_mid_stream()
    {
        var t = await Gw.NewTenantAsync();
        var stream = await t.CreateStreamAsync(new
        {
            name = "transcoders",
            profiles = new[] { new { name = "160p0", width = 284, height = 160, bitrate = 200_000, fps = 0 } },
        });
        var id = (string)stream["id"]!;
        var playbackId = (string)stream["playbackId"]!;
        // Both transcoders are joined (a test before may have restarted orchestrator 1; they rejoin within 30 s).
        await Poll.UntilAsync(async () => await MetricsTests.OrchestratorSumAsync("sgo_transcoders", null, only: 1) >= 2, 45,
            "both transcoders joined to orchestrator 1");
        var before = await MetricsTests.OrchestratorSumAsync("sgo_transcoder_segments_total", null, only: 1);
        // Only orchestrator 1 takes work while the others rest.
        await DevCommand.RunAsync("orchestrator", "stop", "2");
        await DevCommand.RunAsync("orchestrator", "stop", "3");
        // The rendition playlist is read every half second all along: a gap anywhere in the publish is seen, whatever
        // the live window has let go of since.
        using var http = Gw.Client();
        using var watching = new CancellationTokenSource();
        var gaps = 0;
        var segments = new HashSet<string>();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                try
                {
                    var text = await http.GetStringAsync(Gateway.HlsUrl(playbackId, "160p0/index.m3u8"), watching.Token);
                    gaps += text.Split('\n').Count(l => l == "#EXT-X-GAP");
                    segments.UnionWith(text.Split('\n').Where(l => l.EndsWith(".ts", StringComparison.Ordinal)));
                }
                catch (HttpRequestException)
                {
                    // not live yet
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                await Task.Delay(500, CancellationToken.None);
            }
        });
        try
        {
            await using var broadcaster = Broadcaster.Start((string)stream["streamKey"]!, seconds: 24);
            await Poll.UntilAsync(async () => await TranscodedAsync(t, id) >= 3, 60, "three transcoded segments");
            Assert.True(await MetricsTests.OrchestratorSumAsync("sgo_transcoder_segments_total", null, only: 1) > before,
                "orchestrator 1's transcoders made segments");

            // Both transcoders die as a crash would, with a stream in flight.
            await DevCommand.RunAsync("transcoder", "kill", "1");
            await DevCommand.RunAsync("transcoder", "kill", "2");
            var atKill = await TranscodedAsync(t, id);
            await Poll.UntilAsync(async () => await TranscodedAsync(t, id) >= atKill + 3, 60, "segments after the transcoders died");
            await broadcaster.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await DevCommand.RunAsync("transcoder", "start", "1");
            await DevCommand.RunAsync("transcoder", "start", "2");
            await DevCommand.RunAsync("orchestrator", "start", "2");
            await DevCommand.RunAsync("orchestrator", "start", "3");
        }
        await Task.Delay(3000); // the last renditions settle
        await watching.CancelAsync();
        await watcher;
        // Every segment got its rendition: no gap in the rendition's playlist at any time.
        Assert.Equal(0, gaps);
        Assert.True(segments.Count >= 8, $"{segments.Count} rendition segments seen");
    }
}
