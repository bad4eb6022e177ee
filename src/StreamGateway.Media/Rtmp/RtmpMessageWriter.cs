using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace StreamGateway.Media.Rtmp;

/// <summary>
/// Everything the server sends goes through this one writer: each call writes a whole message (all of its
/// chunks) into the pipe, so messages are never interleaved. The connection only writes from its read loop,
/// so there is a single writer at any time.
/// </summary>
internal sealed class RtmpMessageWriter(PipeWriter output)
{
    /// <summary>Spec 5.4: protocol control messages use chunk stream 2 and message stream 0.</summary>
    public const int ControlChunkStream = 2;

    /// <summary>Connection-level commands (connect, createStream replies).</summary>
    public const int CommandChunkStream = 3;

    /// <summary>Commands on a message stream (onStatus).</summary>
    public const int StreamChunkStream = 5;

    private readonly RtmpChunkWriter _chunks = new();
    private readonly ArrayBufferWriter<byte> _scratch = new(256);

    /// <summary>True when messages were written since the last flush.</summary>
    public bool HasPending { get; private set; }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        output.Write(bytes);
        HasPending = true;
    }

    /// <summary>5.4.1. Our later messages are chunked with the new size.</summary>
    public void SetChunkSize(int size)
    {
        WriteControl(RtmpMessageType.SetChunkSize, (uint)size);
        _chunks.ChunkSize = size;
    }

    /// <summary>5.4.3: sequence number = bytes received so far.</summary>
    public void Acknowledgement(uint sequenceNumber) => WriteControl(RtmpMessageType.Acknowledgement, sequenceNumber);

    /// <summary>5.4.4.</summary>
    public void WindowAckSize(uint size) => WriteControl(RtmpMessageType.WindowAckSize, size);

    /// <summary>5.4.5: window size (4 bytes) and limit type (0 hard, 1 soft, 2 dynamic).</summary>
    public void SetPeerBandwidth(uint size, byte limitType)
    {
        Span<byte> payload = stackalloc byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(payload, size);
        payload[4] = limitType;
        Send(ControlChunkStream, RtmpMessageType.SetPeerBandwidth, 0, 0, payload);
    }

    /// <summary>7.1.7: event type (2 bytes) and event data; every event we send carries 4 bytes.</summary>
    public void UserControl(ushort eventType, uint value)
    {
        Span<byte> payload = stackalloc byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(payload, eventType);
        BinaryPrimitives.WriteUInt32BigEndian(payload[2..], value);
        Send(ControlChunkStream, RtmpMessageType.UserControl, 0, 0, payload);
    }

    /// <summary>7.1.1: an AMF0 command message (type 20): name, transaction id, then the rest.</summary>
    public void Command(int chunkStreamId, uint streamId, string name, double transactionId, params object?[] rest)
    {
        _scratch.Clear();
        var amf = new Amf0Writer(_scratch);
        amf.WriteString(name);
        amf.WriteNumber(transactionId);
        foreach (var value in rest)
        {
            amf.WriteValue(value);
        }

        Send(chunkStreamId, RtmpMessageType.CommandAmf0, streamId, 0, _scratch.WrittenSpan);
    }

    /// <summary>False when the peer has stopped reading for good.</summary>
    public async ValueTask<bool> FlushAsync(CancellationToken ct)
    {
        HasPending = false;
        var result = await output.FlushAsync(ct);
        return !result.IsCompleted && !result.IsCanceled;
    }

    private void Send(int chunkStreamId, byte typeId, uint streamId, uint timestamp, ReadOnlySpan<byte> payload)
    {
        _chunks.Write(output, chunkStreamId, typeId, streamId, timestamp, payload);
        HasPending = true;
    }

    private void WriteControl(byte typeId, uint value)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        Send(ControlChunkStream, typeId, 0, 0, payload);
    }
}
