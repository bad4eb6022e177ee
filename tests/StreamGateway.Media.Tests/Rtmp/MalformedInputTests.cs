using StreamGateway.Media.Rtmp;

namespace StreamGateway.Media.Tests.Rtmp;

/// <summary>Hostile or broken peers: every case must end RunAsync within a second, without an exception,
/// and complete an active publish's sink exactly once. The client keeps its side open unless noted, so the
/// close is the server's decision, not an end of input.</summary>
public class MalformedInputTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_bytes_instead_of_a_handshake(int seed)
    {
        using var h = new ServerHarness();
        var bytes = new byte[20_000];
        new Random(seed).NextBytes(bytes);
        bytes[0] = 3;

        await h.Client.SendAsync(bytes);
        h.Client.CompleteOutput();

        Assert.True(await h.EndsWithinAsync());
        AssertNoUnexpectedErrors(h);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Random_bytes_during_a_publish(int seed)
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();
        await h.PublishAsync();
        var bytes = new byte[5_000];
        new Random(seed).NextBytes(bytes);

        await h.Client.SendAsync(bytes);
        h.Client.CompleteOutput();

        Assert.True(await h.EndsWithinAsync());
        Assert.Equal(1, h.Sink.CompleteCount);
        AssertNoUnexpectedErrors(h);
    }

    [Fact]
    public async Task Truncated_chunk_then_close()
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();
        await h.PublishAsync();

        await h.Client.SendAsync(new ChunkBuilder().Fmt0(6, 0, 100, 9, 1).Raw(1, 2, 3));
        h.Client.CompleteOutput();

        Assert.True(await h.EndsWithinAsync());
        Assert.Equal("peer closed mid-message", await h.Sink.Completed);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0x80000000u)]
    public async Task Absurd_chunk_size_closes_and_completes_the_sink(uint size)
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();
        await h.PublishAsync();

        await h.Client.SendAsync(new ChunkBuilder().SetChunkSize(size));

        Assert.True(await h.EndsWithinAsync());
        Assert.StartsWith("protocol error", await h.Sink.Completed, StringComparison.Ordinal);
        Assert.Equal(1, h.Sink.CompleteCount);
    }

    [Fact]
    public async Task Message_length_over_the_limit_closes()
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();
        await h.PublishAsync();

        await h.Client.SendAsync(new ChunkBuilder().Fmt0(6, 0, 0xFFFFFF, 9, 1).Raw(new byte[128]));

        Assert.True(await h.EndsWithinAsync());
        Assert.Contains("message length", await h.Sink.Completed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_chunk_streams_closes()
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();
        await h.PublishAsync();
        var b = new ChunkBuilder();
        for (var csid = 100; csid < 200; csid++)
        {
            b.Message(csid, 8, 1, 0, [0xAF, 1]);
        }

        await h.Client.SendAsync(b);

        Assert.True(await h.EndsWithinAsync());
        Assert.Contains("too many chunk streams", await h.Sink.Completed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compressed_header_on_a_new_chunk_stream_closes()
    {
        using var h = new ServerHarness();
        await h.Client.HandshakeAsync();

        await h.Client.SendAsync(new ChunkBuilder().BasicHeader(1, 9).Raw(new byte[7]));

        Assert.True(await h.EndsWithinAsync());
    }

    [Theory]
    [InlineData(new byte[] { 0x04 })] // not AMF0 at all
    [InlineData(new byte[] { 0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0 })] // a number where the name belongs
    [InlineData(new byte[] { 0x02, 0x00, 0x07, 0x63, 0x6F, 0x6E })] // truncated string
    [InlineData(new byte[0])]
    public async Task Malformed_command_closes(byte[] payload)
    {
        using var h = new ServerHarness();
        await h.Client.HandshakeAsync();

        await h.Client.SendMessageAsync(3, 20, 0, 0, payload);

        Assert.True(await h.EndsWithinAsync());
        Assert.Contains(h.Log, l => l.Contains("protocol error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_metadata_is_dropped_without_closing()
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();
        await h.PublishAsync();

        await h.Client.SendMessageAsync(4, 18, 1, 0, [0x02, 0x00, 0x20, 0x40]);
        await h.Client.SendMessageAsync(4, 8, 1, 5, [0xAF, 1]);
        h.Client.CompleteOutput();

        Assert.True(await h.EndsWithinAsync());
        Assert.Equal(RtmpMessageKind.Audio, Assert.Single(h.Sink.Messages).Kind);
    }

    [Fact]
    public async Task Short_control_messages_close()
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();

        await h.Client.SendMessageAsync(2, 5, 0, 0, [1, 2]);

        Assert.True(await h.EndsWithinAsync());
    }

    [Fact]
    public async Task Peer_that_never_reads_is_closed_by_the_write_timeout()
    {
        // Our replies pile up in the pipe (64 KiB before it pushes back) while the client never reads them.
        using var h = new ServerHarness(new RtmpServerOptions { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        await h.Client.SendAsync([3, .. h.Client.C1, .. new byte[1536]]);
        var b = new ChunkBuilder();
        b.Command(3, 0, "connect", 1.0, new Amf0Object { { "app", "live" } });
        for (var i = 0; i < 5000; i++)
        {
            b.Message(2, 4, 0, 0, TestRtmpClient.UserControl(6, (uint)i));
        }

        await h.Client.SendAsync(b);

        Assert.True(await h.EndsWithinAsync(3));
        Assert.Contains(h.Log, l => l.Contains("write timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Peer_that_sends_nothing_is_closed_at_the_publish_deadline()
    {
        using var h = new ServerHarness(new RtmpServerOptions
        {
            PublishTimeout = TimeSpan.FromMilliseconds(500),
            HandshakeTimeout = TimeSpan.FromSeconds(5),
        });

        Assert.True(await h.EndsWithinAsync(2));
        Assert.Equal(new RtmpConnectionEnd("no publish within 0.5 s", Dropped: true), await h.Run);
    }

    [Fact]
    public async Task Busy_peer_that_never_publishes_is_closed_at_the_publish_deadline()
    {
        // Pings keep the idle timeout from ever firing; only the publish deadline ends this connection.
        using var h = new ServerHarness(new RtmpServerOptions
        {
            PublishTimeout = TimeSpan.FromSeconds(3),
            IdleTimeout = TimeSpan.FromSeconds(1.5),
        });
        await h.ConnectAsync();
        using var stop = new CancellationTokenSource();
        var pings = Task.Run(async () =>
        {
            for (uint i = 0; !stop.IsCancellationRequested; i++)
            {
                await h.Client.SendMessageAsync(2, 4, 0, 0, TestRtmpClient.UserControl(6, i));
                await Task.Delay(100);
            }
        });

        Assert.True(await h.EndsWithinAsync(8));
        await stop.CancelAsync();
        await pings;
        Assert.Equal(new RtmpConnectionEnd("no publish within 3 s", Dropped: true), await h.Run);
    }

    [Fact]
    public async Task Publish_accepted_before_the_deadline_outlives_it()
    {
        // The deadline leaves room for the handshake on a machine busy with the rest of the suite (500 ms did not).
        using var h = new ServerHarness(new RtmpServerOptions { PublishTimeout = TimeSpan.FromMilliseconds(1500) });
        await h.ConnectAsync();
        Assert.Equal("NetStream.Publish.Start", ServerHarness.Code(await h.PublishAsync()));
        for (var i = 0; i < 20; i++)
        {
            await h.Client.SendMessageAsync(6, 9, 1, (uint)(i * 100), [0x27, 1, 0, 0, 0]);
            await Task.Delay(100);
        }

        Assert.False(h.Run.IsCompleted);
        h.Client.CompleteOutput();
        Assert.True(await h.EndsWithinAsync());
        Assert.Equal(20, h.Sink.Messages.Count);
        Assert.False((await h.Run).Dropped);
    }

    private static void AssertNoUnexpectedErrors(ServerHarness h) =>
        Assert.DoesNotContain(h.Log, l => l.Contains("unexpected", StringComparison.Ordinal));
}
