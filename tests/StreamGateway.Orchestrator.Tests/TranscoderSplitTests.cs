using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StreamGateway.Network.Wire;
using StreamGateway.Orchestrator.Transcoders;

namespace StreamGateway.Orchestrator.Tests;

/// <summary>
/// The orchestrator hands segments to transcoders that joined it (go-livepeer's orchestrator/transcoder protocol):
/// real transcoder processes' workers in this process, and raw clients of the protocol where a transcoder must
/// misbehave (drop mid-segment, send garbage).
/// </summary>
public sealed class TranscoderSplitTests(TestSegment source) : IClassFixture<TestSegment>
{
    private const string Secret = "transcoder-secret-for-tests";
    private static readonly VideoProfile P240 = new() { Name = "240p", Width = 426, Height = 240, Bitrate = 250_000 };

    private static Task<RunningOrchestrator> OrchestratorAsync() => RunningOrchestrator.StartAsync(settings: new Dictionary<string, string?>
    {
        ["Orchestrator:TranscoderSecret"] = Secret,
        ["Orchestrator:TranscodeLocally"] = "false",
    });

    private static async Task<(IHost Host, TranscoderWorker Worker, string WorkDir)> TranscoderAsync(RunningOrchestrator o, int capacity)
    {
        var workDir = Directory.CreateTempSubdirectory("transcoder-test-").FullName;
        var host = TranscoderHost.Build(["--transcoder"], config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Transcoder:OrchestratorUrl"] = o.ServiceUri.ToString(),
            ["Transcoder:Secret"] = Secret,
            ["Transcoder:Capacity"] = capacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orchestrator:WorkDir"] = workDir,
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await host.StartAsync();
        return (host, host.Services.GetRequiredService<TranscoderWorker>(), workDir);
    }

    private static RemoteTranscoders Pool(RunningOrchestrator o) => o.Services.GetRequiredService<RemoteTranscoders>();

    private static async Task JoinedAsync(RunningOrchestrator o, int count)
    {
        for (var i = 0; i < 100 && Pool(o).Count != count; i++)
        {
            await Task.Delay(100);
        }
        Assert.Equal(count, Pool(o).Count);
    }

    private async Task<TranscodeResult> SegmentAsync(RunningOrchestrator o, AuthToken token, long seq)
    {
        using var response = await o.PostSegmentAsync(RunningOrchestrator.Segment(token, seq, source.Bytes, P240), source.Bytes);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return TranscodeResult.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
    }

    private static async Task StopAsync(params (IHost Host, TranscoderWorker Worker, string WorkDir)[] transcoders)
    {
        foreach (var (host, _, workDir) in transcoders)
        {
            await host.StopAsync();
            host.Dispose();
            Directory.Delete(workDir, recursive: true);
        }
    }

    [Fact]
    public async Task Joined_transcoders_do_the_work_and_a_session_stays_on_the_transcoder_that_took_it()
    {
        await using var o = await OrchestratorAsync();
        var one = await TranscoderAsync(o, capacity: 1);
        var two = await TranscoderAsync(o, capacity: 1);
        try
        {
            await JoinedAsync(o, 2);
            var a = (await o.Client.GetOrchestratorAsync(new OrchestratorRequest())).AuthToken;
            var b = (await o.Client.GetOrchestratorAsync(new OrchestratorRequest())).AuthToken;
            foreach (var (token, seq) in new[] { (a, 1L), (b, 1L), (a, 2L) })
            {
                var result = await SegmentAsync(o, token, seq);
                Assert.True(result.ResultCase == TranscodeResult.ResultOneofCase.Data, result.Error);
                // Served by the orchestrator like its own renditions: the bytes the transcoder made.
                var ts = await o.Http.GetByteArrayAsync(result.Data.Segments[0].Url);
                Assert.Equal(0x47, ts[0]);
                Assert.Equal(Media.Ts.MpegTsVideo.Read(ts).Pixels, result.Data.Segments[0].Pixels);
            }
            // Session a's two segments went to one transcoder, b's to the other.
            Assert.Equal([1, 2], new[] { one.Worker.Completed, two.Worker.Completed }.Order());
        }
        finally
        {
            await StopAsync(one, two);
        }
    }

    // The refusals of the protocol (wrong secret, no capacity, results without credentials) are rows of
    // GoLivepeerTranscoderConformanceTests.
    [Fact]
    public async Task With_no_transcoder_and_no_local_transcoding_a_segment_fails_in_go_livepeer_words()
    {
        await using var o = await OrchestratorAsync();
        var token = (await o.Client.GetOrchestratorAsync(new OrchestratorRequest())).AuthToken;
        var result = await SegmentAsync(o, token, 1);
        Assert.Equal(SegmentWork.NoTranscoders, result.Error);
    }

    [Fact]
    public async Task A_transcoder_that_restarts_rejoins_and_takes_new_work()
    {
        await using var o = await OrchestratorAsync();
        var first = await TranscoderAsync(o, capacity: 1);
        await JoinedAsync(o, 1);
        var before = (await o.Client.GetOrchestratorAsync(new OrchestratorRequest())).AuthToken;
        Assert.True((await SegmentAsync(o, before, 1)).ResultCase == TranscodeResult.ResultOneofCase.Data);
        await StopAsync(first);
        await JoinedAsync(o, 0);
        // While it is away the session's segment cannot be done (nothing transcodes here).
        Assert.Equal(SegmentWork.NoTranscoders, (await SegmentAsync(o, before, 2)).Error);

        var again = await TranscoderAsync(o, capacity: 2);
        try
        {
            await JoinedAsync(o, 1);
            // The session it had before and a new one both go to the restarted process.
            var after = (await o.Client.GetOrchestratorAsync(new OrchestratorRequest())).AuthToken;
            foreach (var (token, seq) in new[] { (before, 3L), (after, 1L) })
            {
                var result = await SegmentAsync(o, token, seq);
                Assert.True(result.ResultCase == TranscodeResult.ResultOneofCase.Data, result.Error);
            }
            Assert.Equal(2, again.Worker.Completed);
        }
        finally
        {
            await StopAsync(again);
        }
    }

    [Fact]
    public async Task A_transcoder_that_drops_mid_segment_or_sends_garbage_is_dropped_and_another_does_the_segment_in_time()
    {
        await using var o = await OrchestratorAsync();
        var client = new Transcoder.TranscoderClient(o.Channel);
        var real = await TranscoderAsync(o, capacity: 2);
        try
        {
            await JoinedAsync(o, 1);
            // A transcoder with more room than the real one joins: new sessions go to it first.
            var dropping = client.RegisterTranscoder(new RegisterRequest { Secret = Secret, Capacity = 5 });
            await JoinedAsync(o, 2);
            var first = (await o.Client.GetOrchestratorAsync(new OrchestratorRequest())).AuthToken;
            var pending = SegmentAsync(o, first, 1);
            Assert.True(await dropping.ResponseStream.MoveNext(), "the notice reached the first transcoder");
            Assert.False(string.IsNullOrEmpty(dropping.ResponseStream.Current.Url));
            dropping.Dispose(); // it dies holding the segment
            var result = await pending;
            Assert.True(result.ResultCase == TranscodeResult.ResultOneofCase.Data, result.Error);
            Assert.Equal(1, real.Worker.Completed);
            await JoinedAsync(o, 1);

            // One that answers with something that is not the video it claims is dropped too.
            using var garbage = client.RegisterTranscoder(new RegisterRequest { Secret = Secret, Capacity = 5 });
            await JoinedAsync(o, 2);
            var second = (await o.Client.GetOrchestratorAsync(new OrchestratorRequest())).AuthToken;
            pending = SegmentAsync(o, second, 1);
            Assert.True(await garbage.ResponseStream.MoveNext());
            var notice = garbage.ResponseStream.Current;
            // It may fetch the source as any transcoder does.
            Assert.Equal(source.Bytes, await o.Http.GetByteArrayAsync(notice.Url));
            using var body = new MultipartContent("mixed");
            var part = new ByteArrayContent(System.Security.Cryptography.RandomNumberGenerator.GetBytes(5000));
            part.Headers.ContentType = new MediaTypeHeaderValue("video/mp2t");
            part.Headers.TryAddWithoutValidation("Pixels", "123456");
            body.Add(part);
            using var post = new HttpRequestMessage(HttpMethod.Post, TranscoderEndpoints.ResultsPath) { Content = body };
            post.Headers.TryAddWithoutValidation("Authorization", TranscoderEndpoints.ProtocolVersion);
            post.Headers.TryAddWithoutValidation("Credentials", Secret);
            post.Headers.TryAddWithoutValidation("TaskId", notice.TaskId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using (var refused = await o.Http.SendAsync(post))
            {
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            }
            Assert.False(await garbage.ResponseStream.MoveNext(), "the orchestrator ended the garbage transcoder's registration");
            result = await pending;
            Assert.True(result.ResultCase == TranscodeResult.ResultOneofCase.Data, result.Error);
            Assert.Equal(2, real.Worker.Completed);
            Assert.Equal(1, Pool(o).Count);
        }
        finally
        {
            await StopAsync(real);
        }
    }
}
