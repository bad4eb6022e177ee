using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using StreamGateway.Media.Rtmp;

namespace StreamGateway.Media.Tests.Rtmp;

internal sealed record ReceivedMessage(int ChunkStreamId, byte TypeId, uint StreamId, uint Timestamp, byte[] Payload)
{
    public IReadOnlyList<object?> Values => Amf0.DecodeAll(Payload);

    public string? CommandName => TypeId == 20 ? Values[0] as string : null;
}

/// <summary>
/// A scripted publisher talking to a server over in-memory pipes. It sends what a test tells it to and
/// parses what the server sends back with a chunk reader of its own.
/// </summary>
internal sealed class TestRtmpClient : IDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();
    private readonly RtmpChunkReader _reader = new(0x7FFFFFFF, 0xFFFFFF, 1000, long.MaxValue);

    public TestRtmpClient()
    {
        ServerTransport = new DuplexPipe(_toServer.Reader, _toClient.Writer);
    }

    public IDuplexPipe ServerTransport { get; }

    public int ChunkSize { get; set; } = 128;

    public byte[] C1 { get; } = CreateC1();

    public static byte[] CreateC1()
    {
        var c1 = new byte[1536];
        new Random(42).NextBytes(c1.AsSpan(8));
        c1.AsSpan(0, 8).Clear();
        return c1;
    }

    /// <summary>Sends C0+C1, reads S0+S1+S2, sends C2 (a copy of S1) and returns the server's 3073 bytes.</summary>
    public async Task<byte[]> HandshakeAsync()
    {
        await SendAsync([3, .. C1]);
        var response = await ReadRawAsync(1 + (2 * 1536));
        await SendAsync(response.AsSpan(1, 1536).ToArray());
        return response;
    }

    public async Task SendAsync(byte[] bytes)
    {
        await _toServer.Writer.WriteAsync(bytes);
    }

    public Task SendAsync(ChunkBuilder chunks) => SendAsync(chunks.ToArray());

    public Task SendMessageAsync(int csid, byte typeId, uint streamId, uint timestamp, byte[] payload) =>
        SendAsync(new ChunkBuilder { ChunkSize = ChunkSize }.Message(csid, typeId, streamId, timestamp, payload));

    public Task SendCommandAsync(uint streamId, params object?[] values) =>
        SendMessageAsync(streamId == 0 ? 3 : 8, 20, streamId, 0, Amf0.Encode(values));

    public void CompleteOutput() => _toServer.Writer.Complete();

    public async Task<byte[]> ReadRawAsync(int count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            var result = await _toClient.Reader.ReadAsync(cts.Token);
            if (result.Buffer.Length >= count)
            {
                var bytes = result.Buffer.Slice(0, count).ToArray();
                _toClient.Reader.AdvanceTo(result.Buffer.GetPosition(count));
                return bytes;
            }

            if (result.IsCompleted)
            {
                throw new InvalidOperationException("Server closed before sending enough bytes.");
            }

            _toClient.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>The next message from the server, or null once the server has closed its side.</summary>
    public async Task<ReceivedMessage?> ReadMessageAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            var result = await _toClient.Reader.ReadAsync(cts.Token);
            var buffer = result.Buffer;
            ReceivedMessage? received = null;
            if (_reader.TryReadMessage(ref buffer, out var m))
            {
                received = new ReceivedMessage(m.ChunkStreamId, m.TypeId, m.StreamId, m.Timestamp, m.Payload.ToArray());
            }

            if (received is not null)
            {
                // More whole messages may already be buffered: mark only what was consumed as examined.
                _toClient.Reader.AdvanceTo(buffer.Start);
                return received;
            }

            _toClient.Reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>Skips control messages up to the next command and returns it.</summary>
    public async Task<ReceivedMessage> ReadCommandAsync()
    {
        while (true)
        {
            var message = await ReadMessageAsync() ?? throw new InvalidOperationException("Server closed.");
            if (message.TypeId == 20)
            {
                return message;
            }
        }
    }

    /// <summary>True when the server closed its side, after at most the messages it still had queued.</summary>
    public async Task<bool> ServerClosedAsync()
    {
        try
        {
            while (await ReadMessageAsync() is not null)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public static byte[] UserControl(ushort eventType, uint value)
    {
        var payload = new byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(payload, eventType);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(2), value);
        return payload;
    }

    public void Dispose() => _reader.Dispose();

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
