using System.Buffers.Binary;
using StreamGateway.Media.Rtmp;

namespace StreamGateway.Media.Tests.Rtmp;

public class ConnectionTests
{
    [Fact]
    public async Task A_peer_that_deletes_its_stream_and_keeps_the_connection_is_closed_after_a_short_linger()
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();
        await h.PublishAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();
        await h.Client.SendCommandAsync(1, "deleteStream", 7.0, null, 1.0);

        Assert.Equal("unpublished", await h.Sink.Completed.WaitAsync(TimeSpan.FromSeconds(1)));
        Assert.True(await h.EndsWithinAsync(4), "the connection was kept after the linger");
        Assert.InRange(started.Elapsed.TotalSeconds, 1.5, 4);
        Assert.Equal(new RtmpConnectionEnd("stream deleted", Dropped: false), await h.Run);
        Assert.Equal(1, h.Sink.CompleteCount);
    }

    [Fact]
    public async Task Handshake_answers_S0_S1_S2_with_S2_echoing_C1()
    {
        using var h = new ServerHarness();

        var response = await h.Client.HandshakeAsync();

        Assert.Equal(3, response[0]);
        Assert.Equal(new byte[4], response[5..9]); // S1 "zero" field: the simple handshake
        Assert.Equal(h.Client.C1, response[(1 + 1536)..]);
    }

    [Fact]
    public async Task Handshake_response_has_the_spec_shape()
    {
        var c1 = TestRtmpClient.CreateC1();
        var response = RtmpHandshake.CreateResponse(c1, 0x01020304);

        Assert.Equal(3073, response.Length);
        Assert.Equal(RtmpHandshake.Version, response[0]);
        Assert.Equal([1, 2, 3, 4], response[1..5]);
        Assert.Equal(new byte[4], response[5..9]);
        Assert.Equal(c1, response[1537..]);
        Assert.NotEqual(new byte[1528], response[9..1537]);
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData(6)] // RTMPE
    [InlineData(0)]
    [InlineData(0x16)] // a TLS ClientHello on the plain port
    public async Task Wrong_version_closes_without_a_reply(byte version)
    {
        using var h = new ServerHarness();

        await h.Client.SendAsync([version]);

        Assert.True(await h.EndsWithinAsync());
        Assert.True(await h.Client.ServerClosedAsync());
        Assert.Contains(h.Log, l => l.Contains("unsupported RTMP version", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Full_publish_session_reaches_the_sink()
    {
        using var h = new ServerHarness();
        await h.Client.HandshakeAsync();

        // The peer's own chunk size, as ffmpeg and OBS announce it before connect.
        await h.Client.SendAsync(new ChunkBuilder().SetChunkSize(4096));
        h.Client.ChunkSize = 4096;
        await h.Client.SendMessageAsync(3, 20, 0, 0, Amf0.Encode("connect", 1.0, new Amf0Object
        {
            { "app", "live" },
            { "tcUrl", "rtmp://localhost:1935/live" },
        }));

        // Window Ack Size, Set Peer Bandwidth, Set Chunk Size, then the _result.
        var ack = await h.Client.ReadMessageAsync();
        Assert.Equal((5, 2_500_000u), (ack!.TypeId, BinaryPrimitives.ReadUInt32BigEndian(ack.Payload)));
        var bandwidth = await h.Client.ReadMessageAsync();
        Assert.Equal((6, 2_500_000u, 2), (bandwidth!.TypeId, BinaryPrimitives.ReadUInt32BigEndian(bandwidth.Payload), bandwidth.Payload[4]));
        var chunkSize = await h.Client.ReadMessageAsync();
        Assert.Equal((1, 4096u), (chunkSize!.TypeId, BinaryPrimitives.ReadUInt32BigEndian(chunkSize.Payload)));
        var result = await h.Client.ReadCommandAsync();
        Assert.Equal("_result", result.CommandName);
        Assert.Equal(1.0, result.Values[1]);
        var properties = Assert.IsAssignableFrom<Amf0Properties>(result.Values[2]);
        Assert.Equal("FMS/3,0,1,123", properties["fmsVer"]);
        Assert.Equal(31.0, properties["capabilities"]);
        var info = Assert.IsAssignableFrom<Amf0Properties>(result.Values[3]);
        Assert.Equal(("status", "NetConnection.Connect.Success", 0.0), (info["level"], info["code"], info["objectEncoding"]));

        var status = await h.PublishAsync();
        Assert.Equal(("onStatus", "status", "NetStream.Publish.Start"), (status.CommandName, ServerHarness.Level(status), ServerHarness.Code(status)));
        Assert.Equal(1u, status.StreamId);

        var request = Assert.Single(h.Requests);
        Assert.Equal(new RtmpPublishRequest("live", "key", "token=abc", "rtmp://localhost:1935/live"), request);

        // Media, as an encoder interleaves it: metadata, sequence headers, frames with fmt 1/2/3 headers.
        var chunks = new ChunkBuilder { ChunkSize = 4096 };
        chunks.Message(4, 18, 1, 0, PublishScript.MetaData());
        chunks.Message(6, 9, 1, 0, PublishScript.AvcSequenceHeader);
        chunks.Message(4, 8, 1, 0, PublishScript.AacSequenceHeader);
        var keyframe = new byte[6000];
        keyframe[0] = 0x17;
        keyframe[1] = 1;
        chunks.Fmt1(6, 0, keyframe.Length, 9).Raw(keyframe[..4096]).Fmt3(6).Raw(keyframe[4096..]);
        chunks.Fmt1(4, 23, 4, 8).Raw(0xAF, 0x01, 0x21, 0x10);
        chunks.Fmt2(4, 23).Raw(0xAF, 0x01, 0x21, 0x11);
        chunks.Fmt1(6, 66, 3, 9).Raw(0x27, 0x01, 0x00);
        chunks.Fmt3(6).Raw(0x27, 0x01, 0x01);
        await h.Client.SendAsync(chunks);
        await h.Client.SendCommandAsync(0, "FCUnpublish", 6.0, null, "key");
        await h.Client.SendCommandAsync(1, "deleteStream", 7.0, null, 1.0);

        // The publish ends at once; the connection waits for the encoder to close it, as encoders expect.
        Assert.Equal("unpublished", await h.Sink.Completed.WaitAsync(TimeSpan.FromSeconds(1)));
        Assert.False(h.Run.IsCompleted);
        h.Client.CompleteOutput();
        Assert.True(await h.EndsWithinAsync());
        Assert.Equal("stream deleted", (await h.Run).Reason);
        Assert.Equal("unpublished", await h.Sink.Completed);
        Assert.Equal(1, h.Sink.CompleteCount);

        var media = h.Sink.Messages;
        Assert.Equal(
            [(RtmpMessageKind.Data, 0u), (RtmpMessageKind.Video, 0u), (RtmpMessageKind.Audio, 0u), (RtmpMessageKind.Video, 0u),
             (RtmpMessageKind.Audio, 23u), (RtmpMessageKind.Audio, 46u), (RtmpMessageKind.Video, 66u), (RtmpMessageKind.Video, 132u)],
            media.Select(m => (m.Kind, m.Timestamp)));
        Assert.Equal(Amf0.Encode("onMetaData"), media[0].Payload[..13]);
        Assert.Equal(320.0, Amf0.OnMetaDataFields(media[0].Payload)["width"]);
        Assert.Equal(PublishScript.AvcSequenceHeader, media[1].Payload);
        Assert.Equal(keyframe, media[3].Payload);
        Assert.Equal([0x27, 0x01, 0x01], media[7].Payload);
        Assert.DoesNotContain(h.Log, l => l.Contains("key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Amf3_connect_command_is_accepted()
    {
        using var h = new ServerHarness();
        var result = await h.ConnectAsync(commandType: 17);
        Assert.Equal("NetConnection.Connect.Success", ServerHarness.Code(result));
    }

    [Theory]
    [InlineData("live/")]
    [InlineData("live?vhost=x")]
    public async Task App_is_compared_without_trailing_slash_or_query(string app)
    {
        using var h = new ServerHarness();
        Assert.Equal("NetConnection.Connect.Success", ServerHarness.Code(await h.ConnectAsync(app)));
    }

    [Theory]
    [InlineData("other")]
    [InlineData("Live")]
    [InlineData("")]
    public async Task Wrong_app_is_rejected_and_closed(string app)
    {
        using var h = new ServerHarness();

        var reply = await h.ConnectAsync(app);

        Assert.Equal(("_error", "error", "NetConnection.Connect.Rejected"), (reply.CommandName, ServerHarness.Level(reply), ServerHarness.Code(reply)));
        Assert.True(await h.EndsWithinAsync());
        Assert.True(await h.Client.ServerClosedAsync());
    }

    [Fact]
    public async Task Refused_publish_gets_BadName_and_the_connection_ends()
    {
        using var h = new ServerHarness(accept: false);
        await h.ConnectAsync();

        var status = await h.PublishAsync();

        Assert.Equal(("onStatus", "error", "NetStream.Publish.BadName"), (status.CommandName, ServerHarness.Level(status), ServerHarness.Code(status)));
        Assert.True(await h.EndsWithinAsync());
        Assert.True(await h.Client.ServerClosedAsync());
        Assert.Single(h.Requests);
        Assert.Equal(0, h.Sink.CompleteCount);
    }

    [Fact]
    public async Task Second_publish_closes_and_completes_the_sink_once()
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();
        await h.PublishAsync();

        await h.Client.SendCommandAsync(1, "publish", 6.0, null, "other", "live");

        Assert.True(await h.EndsWithinAsync());
        Assert.Single(h.Requests);
        Assert.Equal(1, h.Sink.CompleteCount);
        Assert.Contains("second publish", await h.Sink.Completed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Media_before_publish_is_ignored()
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();
        await h.Client.SendMessageAsync(4, 8, 1, 0, [0xAF, 1, 9]);
        await h.Client.SendMessageAsync(4, 18, 1, 0, PublishScript.MetaData());
        await h.PublishAsync();
        await h.Client.SendMessageAsync(4, 8, 1, 10, [0xAF, 1, 7]);
        h.Client.CompleteOutput();

        Assert.True(await h.EndsWithinAsync());
        var only = Assert.Single(h.Sink.Messages);
        Assert.Equal((RtmpMessageKind.Audio, 10u), (only.Kind, only.Timestamp));
        Assert.Equal("peer closed", await h.Sink.Completed);
    }

    [Fact]
    public async Task Ping_request_gets_a_ping_response_with_the_same_timestamp()
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();

        await h.Client.SendMessageAsync(2, 4, 0, 0, TestRtmpClient.UserControl(6, 0xCAFE));

        var pong = await h.Client.ReadMessageAsync();
        Assert.Equal(4, pong!.TypeId);
        Assert.Equal(TestRtmpClient.UserControl(7, 0xCAFE), pong.Payload);
    }

    [Fact]
    public async Task Acknowledgement_is_sent_after_each_window_of_bytes()
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();
        await h.Client.SendMessageAsync(2, 5, 0, 0, ChunkBuilder.BigEndian(1000));

        await h.Client.SendMessageAsync(4, 8, 1, 0, new byte[1500]);

        var ack = await h.Client.ReadMessageAsync();
        Assert.Equal(3, ack!.TypeId);
        Assert.True(BinaryPrimitives.ReadUInt32BigEndian(ack.Payload) >= 1000);
    }

    [Fact]
    public async Task Unknown_commands_and_message_types_are_ignored()
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();
        await h.Client.SendCommandAsync(0, "_checkbw", 9.0, null);
        await h.Client.SendCommandAsync(0, "getStreamLength", 10.0, null, "x");
        await h.Client.SendMessageAsync(7, 22, 0, 0, [1, 2, 3]); // aggregate
        await h.Client.SendMessageAsync(7, 99, 0, 0, [1, 2, 3]);
        await h.Client.SendMessageAsync(2, 6, 0, 0, [0, 0, 0x10, 0, 2]);
        await h.Client.SendMessageAsync(2, 3, 0, 0, [0, 0, 0x10, 0]);

        var status = await h.PublishAsync();

        Assert.Equal("NetStream.Publish.Start", ServerHarness.Code(status));
    }

    [Fact]
    public async Task Publish_before_connect_closes()
    {
        using var h = new ServerHarness();
        await h.Client.HandshakeAsync();

        await h.Client.SendCommandAsync(1, "publish", 5.0, null, "key", "live");

        Assert.True(await h.EndsWithinAsync());
        Assert.Empty(h.Requests);
    }

    [Fact]
    public async Task Cancellation_ends_the_run_and_completes_the_sink()
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();
        await h.PublishAsync();

        h.Cancel();

        Assert.True(await h.EndsWithinAsync());
        Assert.Equal("cancelled", await h.Sink.Completed);
    }

    [Fact]
    public async Task Idle_peer_is_closed()
    {
        using var h = new ServerHarness(new RtmpServerOptions { IdleTimeout = TimeSpan.FromMilliseconds(200) });
        await h.ConnectAsync();
        await h.PublishAsync();

        Assert.True(await h.EndsWithinAsync(2));
        Assert.Equal("idle timeout", await h.Sink.Completed);
    }

    [Fact]
    public async Task Slow_handshake_is_closed()
    {
        using var h = new ServerHarness(new RtmpServerOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(200) });

        await h.Client.SendAsync([3, 0, 0, 0]);

        Assert.True(await h.EndsWithinAsync(2));
        Assert.Contains(h.Log, l => l.Contains("handshake timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Peer_closing_mid_publish_completes_the_sink_once()
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();
        await h.PublishAsync();
        await h.Client.SendAsync(new ChunkBuilder().Fmt0(6, 0, 500, 9, 1).Raw(new byte[128]));

        h.Client.CompleteOutput();

        Assert.True(await h.EndsWithinAsync());
        Assert.Equal("peer closed mid-message", await h.Sink.Completed);
        Assert.Equal(1, h.Sink.CompleteCount);
    }

    [Fact]
    public async Task FCUnpublish_completes_the_sink_and_later_media_is_dropped()
    {
        using var h = new ServerHarness();
        await h.ConnectAsync();
        await h.PublishAsync();

        await h.Client.SendCommandAsync(0, "FCUnpublish", 6.0, null, "key");
        Assert.Equal("unpublished", await h.Sink.Completed.WaitAsync(TimeSpan.FromSeconds(2)));
        await h.Client.SendMessageAsync(4, 8, 1, 10, [0xAF, 1, 7]);
        h.Client.CompleteOutput();

        Assert.True(await h.EndsWithinAsync());
        Assert.Empty(h.Sink.Messages);
        Assert.Equal(1, h.Sink.CompleteCount);
    }
}
