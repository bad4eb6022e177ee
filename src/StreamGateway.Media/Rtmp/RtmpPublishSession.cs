using System.Buffers.Binary;

namespace StreamGateway.Media.Rtmp;

/// <summary>
/// The message-level state machine of one publishing connection: answers NetConnection / NetStream commands,
/// handles peer control messages and hands media to the sink. Writes replies through the connection's single
/// <see cref="RtmpMessageWriter"/>; the connection flushes them.
/// </summary>
internal sealed class RtmpPublishSession(
    RtmpServerOptions options,
    RtmpMessageWriter writer,
    Func<RtmpPublishRequest, CancellationToken, ValueTask<IRtmpPublishSink?>> authorize,
    Action<string>? log)
{
    /// <summary>Set Peer Bandwidth limit type 2 = dynamic (spec 5.4.5).</summary>
    private const byte DynamicLimit = 2;

    private string? _app;
    private string? _tcUrl;
    private bool _publishRequested;
    private bool _publishEnded;
    private uint _nextStreamId = 1;
    private uint? _peerWindowAckSize;
    private IRtmpPublishSink? _sink;
    private bool _sinkCompleted;

    /// <summary>Why the connection must close, once <see cref="HandleAsync"/> returned false.</summary>
    public string CloseReason { get; private set; } = "closed";

    /// <summary>
    /// The peer ended the session itself (deleteStream/closeStream): the connection should wait a moment for the peer to
    /// close it, as encoders expect to (GStreamer's rtmp2sink reports an error when the server closes first).
    /// </summary>
    public bool Lingers { get; private set; }

    /// <summary>We acknowledge every this many bytes: the peer's Window Acknowledgement Size once it sent one.</summary>
    public uint AckWindow => _peerWindowAckSize ?? options.WindowAckSize;

    public bool IsPublishing => _sink is not null && !_publishEnded;

    /// <summary>A publish was accepted on this connection (it may have ended since).</summary>
    public bool HasPublished => _sink is not null;

    /// <summary>Handles one message; false means close the connection (after flushing what was written).</summary>
    public async ValueTask<bool> HandleAsync(RtmpMessage message, CancellationToken ct)
    {
        switch (message.TypeId)
        {
            case RtmpMessageType.Audio:
                await WriteMediaAsync(RtmpMessageKind.Audio, message, message.Payload, ct);
                return true;
            case RtmpMessageType.Video:
                await WriteMediaAsync(RtmpMessageKind.Video, message, message.Payload, ct);
                return true;
            case RtmpMessageType.DataAmf0:
                await HandleDataAsync(message, message.Payload, ct);
                return true;
            case RtmpMessageType.DataAmf3:
                await HandleDataAsync(message, SkipAmf3FormatByte(message.Payload), ct);
                return true;
            case RtmpMessageType.CommandAmf0:
                return await HandleCommandAsync(message, message.Payload, ct);
            case RtmpMessageType.CommandAmf3:
                return await HandleCommandAsync(message, SkipAmf3FormatByte(message.Payload), ct);
            case RtmpMessageType.WindowAckSize:
                var size = ReadUInt32(message.Payload.Span, "Window Acknowledgement Size");
                if (size > 0)
                {
                    _peerWindowAckSize = size;
                }

                return true;
            case RtmpMessageType.UserControl:
                HandleUserControl(message.Payload.Span);
                return true;
            default:
                // Acknowledgement, Set Peer Bandwidth (we do not throttle what we send), shared objects, aggregate
                // and unknown types: nothing to do.
                return true;
        }
    }

    /// <summary>Completes the sink once, whatever ends the publish.</summary>
    public async ValueTask CompleteSinkAsync(string reason)
    {
        if (_sink is null || _sinkCompleted)
        {
            return;
        }

        _sinkCompleted = true;
        _publishEnded = true;
        try
        {
            await _sink.CompleteAsync(reason);
        }
        catch (Exception ex)
        {
            log?.Invoke($"RTMP publish sink failed to complete: {ex.GetType().Name}");
        }
    }

    // AMF3 command (17) and data (15) messages start with a format byte 0 followed by AMF0 values.
    private static ReadOnlyMemory<byte> SkipAmf3FormatByte(ReadOnlyMemory<byte> payload) =>
        payload.Length > 0 && payload.Span[0] == 0 ? payload[1..] : payload;

    private async ValueTask WriteMediaAsync(RtmpMessageKind kind, RtmpMessage message, ReadOnlyMemory<byte> payload,
        CancellationToken ct)
    {
        // Media before a successful publish (or after it ended) is dropped; so are empty messages, which some
        // encoders send as keep-alives and which make no FLV tag.
        if (!IsPublishing || payload.IsEmpty)
        {
            return;
        }

        await _sink!.WriteAsync(new RtmpMediaMessage(kind, message.Timestamp, payload), ct);
    }

    // "@setDataFrame", "onMetaData", {...}: the sink gets the part from "onMetaData" on, as an FLV script tag has it.
    private async ValueTask HandleDataAsync(RtmpMessage message, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        if (!IsPublishing)
        {
            return;
        }

        int metaDataStart;
        try
        {
            var reader = new Amf0Reader(payload.Span);
            var name = reader.ReadValue() as string;
            metaDataStart = 0;
            if (name == RtmpDataNames.SetDataFrame)
            {
                metaDataStart = reader.Position;
                name = reader.ReadValue() as string;
            }

            if (name != RtmpDataNames.OnMetaData)
            {
                return;
            }
        }
        catch (FormatException)
        {
            log?.Invoke("RTMP ignored a malformed data message");
            return;
        }

        await WriteMediaAsync(RtmpMessageKind.Data, message, payload[metaDataStart..], ct);
    }

    private async ValueTask<bool> HandleCommandAsync(RtmpMessage message, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        // Command structure (spec 7.2): name, transaction id, command object, optional arguments.
        var values = Amf0.DecodeAll(payload.Span);
        if (values.Count == 0 || values[0] is not string name)
        {
            throw new RtmpProtocolException("command without a name");
        }

        var transactionId = values.Count > 1 && values[1] is double id ? id : 0;
        switch (name)
        {
            case "connect":
                return Connect(transactionId, values.Count > 2 ? values[2] as Amf0Properties : null);
            case "releaseStream" or "FCPublish":
                if (!RequireConnected())
                {
                    return false;
                }

                // A non-zero transaction id asks for a _result; the values themselves mean nothing to encoders.
                if (transactionId != 0)
                {
                    writer.Command(RtmpMessageWriter.CommandChunkStream, 0, "_result", transactionId, null, Amf0Undefined.Value);
                }

                return true;
            case "createStream":
                if (!RequireConnected())
                {
                    return false;
                }

                writer.Command(RtmpMessageWriter.CommandChunkStream, 0, "_result", transactionId, null, (double)_nextStreamId++);
                return true;
            case "publish":
                return await PublishAsync(message.StreamId, values.Count > 3 ? values[3] as string : null, ct);
            case "FCUnpublish":
                await CompleteSinkAsync("unpublished");
                return true;
            case "deleteStream" or "closeStream":
                await CompleteSinkAsync("unpublished");
                CloseReason = "stream deleted";
                Lingers = true;
                return false;
            default:
                // getStreamLength, _checkbw, ping, play, ...: not for a publish-only server.
                return true;
        }
    }

    private bool Connect(double transactionId, Amf0Properties? commandObject)
    {
        if (_app is not null)
        {
            CloseReason = "second connect";
            return false;
        }

        var requested = NormalizeApp(commandObject?.GetString("app"));
        if (!string.Equals(requested, options.App, StringComparison.Ordinal))
        {
            writer.Command(RtmpMessageWriter.CommandChunkStream, 0, "_error", transactionId, null, new Amf0Object
            {
                { "level", "error" },
                { "code", "NetConnection.Connect.Rejected" },
                { "description", "Unknown application." },
            });
            CloseReason = "connect rejected: unknown application";
            return false;
        }

        _app = requested;
        _tcUrl = commandObject?.GetString("tcUrl");

        // What Flash Media Server sends before the connect result; encoders expect the chunk size change early.
        writer.WindowAckSize(options.WindowAckSize);
        writer.SetPeerBandwidth(options.WindowAckSize, DynamicLimit);
        writer.SetChunkSize(options.OutChunkSize);
        writer.Command(RtmpMessageWriter.CommandChunkStream, 0, "_result", transactionId,
            new Amf0Object
            {
                { "fmsVer", "FMS/3,0,1,123" },
                { "capabilities", 31.0 },
            },
            new Amf0Object
            {
                { "level", "status" },
                { "code", "NetConnection.Connect.Success" },
                { "description", "Connection succeeded." },
                { "objectEncoding", 0.0 },
            });
        return true;
    }

    private async ValueTask<bool> PublishAsync(uint streamId, string? publishName, CancellationToken ct)
    {
        if (!RequireConnected())
        {
            return false;
        }

        if (_publishRequested)
        {
            CloseReason = "second publish on one connection";
            return false;
        }

        _publishRequested = true;
        if (string.IsNullOrEmpty(publishName))
        {
            return RejectPublish(streamId, "publish without a stream name");
        }

        var query = publishName.IndexOf('?', StringComparison.Ordinal);
        var request = new RtmpPublishRequest(
            _app!,
            query < 0 ? publishName : publishName[..query],
            query < 0 ? null : publishName[(query + 1)..],
            _tcUrl);

        IRtmpPublishSink? accepted;
        try
        {
            accepted = await authorize(request, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log?.Invoke($"RTMP publish authorization failed: {ex.GetType().Name}");
            CloseReason = "authorization failed";
            return false;
        }

        if (accepted is null)
        {
            return RejectPublish(streamId, "publish rejected");
        }

        _sink = accepted;

        // Spec 7.1.7: Stream Begin tells the client the stream is functional; then NetStream.Publish.Start,
        // which is what ffmpeg, OBS and GStreamer wait for before sending media.
        writer.UserControl(UserControlEvent.StreamBegin, streamId);
        writer.Command(RtmpMessageWriter.StreamChunkStream, streamId, "onStatus", 0, null, new Amf0Object
        {
            { "level", "status" },
            { "code", "NetStream.Publish.Start" },
            { "description", "Publishing." },
        });
        return true;
    }

    private bool RejectPublish(uint streamId, string reason)
    {
        writer.Command(RtmpMessageWriter.StreamChunkStream, streamId, "onStatus", 0, null, new Amf0Object
        {
            { "level", "error" },
            { "code", "NetStream.Publish.BadName" },
            { "description", "Publishing refused." },
        });
        CloseReason = reason;
        return false;
    }

    private bool RequireConnected()
    {
        if (_app is null)
        {
            CloseReason = "command before connect";
            return false;
        }

        return true;
    }

    private void HandleUserControl(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 2)
        {
            throw new RtmpProtocolException("short User Control message");
        }

        // 7.1.7: a PingRequest carries a 4-byte timestamp that the PingResponse echoes.
        if (BinaryPrimitives.ReadUInt16BigEndian(payload) == UserControlEvent.PingRequest)
        {
            writer.UserControl(UserControlEvent.PingResponse, ReadUInt32(payload[2..], "PingRequest"));
        }
    }

    /// <summary>The connect "app" without a trailing query or slash: "live/?x=1" → "live".</summary>
    internal static string? NormalizeApp(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var query = value.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            value = value[..query];
        }

        return value.TrimEnd('/');
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> payload, string what) =>
        payload.Length >= 4
            ? BinaryPrimitives.ReadUInt32BigEndian(payload)
            : throw new RtmpProtocolException($"short {what}");
}
