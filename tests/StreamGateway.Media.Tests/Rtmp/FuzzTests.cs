using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using StreamGateway.Media.Rtmp;
using Xunit.Abstractions;

namespace StreamGateway.Media.Tests.Rtmp;

/// <summary>
/// Mutations of a recorded valid publish session (bit flips, truncations, duplicated and removed ranges) must
/// each end RunAsync promptly with no exception and at most one sink completion. Seeded, so a failure repeats.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private const int Runs = 3000;

    [Fact]
    public async Task The_unmutated_script_is_a_complete_publish()
    {
        var outcome = await RunAsync(PublishScript.Build());

        Assert.NotNull(outcome.Sink);
        Assert.Equal("unpublished", await outcome.Sink.Completed);
        Assert.Equal(15, outcome.Sink.Messages.Count);
    }

    [Fact]
    public async Task Mutated_sessions_always_end_cleanly()
    {
        var script = PublishScript.Build();
        var random = new Random(20240611);
        var publishes = 0;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < Runs; i++)
        {
            var input = Mutate(script, random);
            var outcome = await RunAsync(input);

            Assert.True(outcome.Ended, $"run {i} did not end");
            Assert.DoesNotContain(outcome.Log, l => l.Contains("unexpected", StringComparison.Ordinal));
            if (outcome.Sink is not null)
            {
                publishes++;
                Assert.Equal(1, outcome.Sink.CompleteCount);
            }
        }

        output.WriteLine($"{Runs} runs, {publishes} reached publish, {stopwatch.Elapsed.TotalSeconds:F1} s");

        // Most mutations land in media bytes, so many runs still publish: the fuzz reaches deep states.
        Assert.True(publishes > Runs / 10, $"only {publishes} runs reached publish");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(25), $"fuzz took {stopwatch.Elapsed}");
    }

    private static byte[] Mutate(byte[] script, Random random)
    {
        var bytes = new List<byte>(script);
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations && bytes.Count > 1; m++)
        {
            // Keep most mutations past the handshake, where the chunk and command parsers live.
            var start = random.Next(0, 10) == 0 ? 0 : Math.Min(3073, bytes.Count - 1);
            var at = random.Next(start, bytes.Count);
            switch (random.Next(0, 5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(0, 8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(0, 256);
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 3:
                    var length = Math.Min(random.Next(1, 64), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                default:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 64), bytes.Count - at));
                    break;
            }
        }

        return [.. bytes];
    }

    private sealed record Outcome(bool Ended, RecordingSink? Sink, ConcurrentQueue<string> Log);

    private static async Task<Outcome> RunAsync(byte[] input)
    {
        var toServer = new Pipe();
        var toClient = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var log = new ConcurrentQueue<string>();
        RecordingSink? sink = null;
        var options = new RtmpServerOptions { IdleTimeout = TimeSpan.FromSeconds(1), HandshakeTimeout = TimeSpan.FromSeconds(1) };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        var run = new RtmpServerConnection(options, log.Enqueue).RunAsync(
            new Transport(toServer.Reader, toClient.Writer),
            (_, _) => ValueTask.FromResult<IRtmpPublishSink?>(sink = new RecordingSink()),
            cts.Token);
        await toServer.Writer.WriteAsync(input);
        await toServer.Writer.CompleteAsync();

        var ended = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5))) == run;
        if (ended)
        {
            await run;
        }

        return new Outcome(ended, sink, log);
    }

    private sealed class Transport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
