using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StreamGateway.Media.Rtmp;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// An RTMP client driven by hand over a raw TCP socket, for playing hostile peers against the suite's gateway. It
/// connects from a loopback source address of the test's choosing (all of 127.0.0.0/8 reaches the gateway), so a
/// test counts as an address of its own in the gateway's per-address limits.
/// </summary>
public sealed class RawRtmpPeer : IDisposable
{
    private readonly Socket _socket;
    private readonly MemoryStream _received = new();

    /// <summary>The gateway reset the connection before the connect call returned (it can on loopback).</summary>
    private readonly bool _resetOnConnect;

    private RawRtmpPeer(Socket socket, bool resetOnConnect)
    {
        _socket = socket;
        _resetOnConnect = resetOnConnect;
    }

    /// <summary>Chunk size this peer sends with; <see cref="SetChunkSizeAsync"/> changes it on both sides.</summary>
    public int ChunkSize { get; private set; } = 128;

    public static async Task<RawRtmpPeer> ConnectAsync(string sourceAddress)
    {
        var ingest = new Uri(Environment.GetEnvironmentVariable("SG_RTMP_URL")
                             ?? throw new InvalidOperationException("SG_RTMP_URL is not set (run ./dev test)"));
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(sourceAddress), 0));
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(ingest.Host), ingest.Port);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return new RawRtmpPeer(socket, resetOnConnect: true);
        }
        return new RawRtmpPeer(socket, resetOnConnect: false);
    }

    /// <summary>C0+C1, then S0+S1+S2 back, then C2 (S1 echoed): the simple handshake.</summary>
    public async Task HandshakeAsync()
    {
        if (_resetOnConnect)
        {
            throw new SocketException((int)SocketError.ConnectionReset);
        }
        var c0c1 = new byte[1 + 1536];
        c0c1[0] = 3;
        Random.Shared.NextBytes(c0c1.AsSpan(9));
        await SendAsync(c0c1);
        var s0s1s2 = new byte[1 + (2 * 1536)];
        for (var read = 0; read < s0s1s2.Length;)
        {
            var n = await ReceiveAsync(s0s1s2.AsMemory(read), TimeSpan.FromSeconds(10));
            if (n == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }
            Assert.True(n > 0, "no handshake from the gateway within 10 s");
            read += n;
        }
        await SendAsync(s0s1s2.AsSpan(1, 1536).ToArray());
    }

    /// <summary>Handshake, connect, createStream and publish; "start", "badname" or "closed", as the gateway answered.</summary>
    public async Task<string> PublishAsync(string streamKey)
    {
        try
        {
            await HandshakeAsync();
        }
        catch (SocketException)
        {
            return "closed";
        }
        await ConnectCommandAsync();
        await SendMessageAsync(3, 20, 0, 0, Amf0.Encode("createStream", 2.0, null));
        await SendMessageAsync(8, 20, 1, 0, Amf0.Encode("publish", 3.0, null, streamKey, "live"));
        var until = DateTime.UtcNow.AddSeconds(15);
        var buffer = new byte[8192];
        while (DateTime.UtcNow < until)
        {
            var text = Encoding.ASCII.GetString(_received.GetBuffer(), 0, (int)_received.Length);
            if (text.Contains("NetStream.Publish.Start", StringComparison.Ordinal))
            {
                return "start";
            }
            if (text.Contains("NetStream.Publish.BadName", StringComparison.Ordinal))
            {
                return "badname";
            }
            int n;
            try
            {
                n = await ReceiveAsync(buffer, TimeSpan.FromSeconds(1));
            }
            catch (SocketException)
            {
                return "closed";
            }
            if (n == 0)
            {
                return "closed";
            }
            if (n > 0)
            {
                _received.Write(buffer, 0, n);
            }
        }
        return "no answer";
    }

    public Task ConnectCommandAsync() =>
        SendMessageAsync(3, 20, 0, 0, Amf0.Encode("connect", 1.0, new Amf0Object
        {
            { "app", "live" },
            { "type", "nonprivate" },
            { "tcUrl", Environment.GetEnvironmentVariable("SG_RTMP_URL") },
        }));

    public async Task SetChunkSizeAsync(int size)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, size);
        await SendMessageAsync(2, 1, 0, 0, payload);
        ChunkSize = size;
    }

    /// <summary>A ping (User Control PingRequest), which keeps a connection busy without publishing.</summary>
    public Task PingAsync(uint value)
    {
        var payload = new byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(payload, 6);
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(2), value);
        return SendMessageAsync(2, 4, 0, 0, payload);
    }

    /// <summary>A whole message: a type 0 chunk, then type 3 chunks of <see cref="ChunkSize"/>.</summary>
    public Task SendMessageAsync(int csid, byte typeId, uint streamId, uint timestamp, byte[] payload) =>
        SendUnfinishedAsync(csid, typeId, streamId, timestamp, payload.Length, payload);

    /// <summary>A message header declaring <paramref name="length"/> bytes followed by only the bytes of
    /// <paramref name="payload"/>, in chunks; the message stays unfinished when they are fewer.</summary>
    public async Task SendUnfinishedAsync(int csid, byte typeId, uint streamId, uint timestamp, int length, ReadOnlyMemory<byte> payload)
    {
        using var chunks = new MemoryStream();
        chunks.WriteByte((byte)csid);
        WriteUInt24(chunks, timestamp);
        WriteUInt24(chunks, (uint)length);
        chunks.WriteByte(typeId);
        var sid = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(sid, streamId);
        chunks.Write(sid);
        for (var offset = 0; offset < payload.Length; offset += ChunkSize)
        {
            if (offset > 0)
            {
                chunks.WriteByte((byte)(0xC0 | csid));
            }
            chunks.Write(payload.Span.Slice(offset, Math.Min(ChunkSize, payload.Length - offset)));
        }
        await SendAsync(chunks.ToArray());
    }

    public async Task SendAsync(byte[] bytes)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _socket.SendAsync(bytes, SocketFlags.None, limit.Token);
    }

    /// <summary>Whether the gateway closes this connection within <paramref name="within"/>; what it sends meanwhile
    /// is read and dropped.</summary>
    public async Task<bool> ClosedByGatewayWithinAsync(TimeSpan within)
    {
        if (_resetOnConnect)
        {
            return true;
        }
        var until = DateTime.UtcNow + within;
        var buffer = new byte[64 * 1024];
        while (DateTime.UtcNow < until)
        {
            try
            {
                if (await ReceiveAsync(buffer, until - DateTime.UtcNow) == 0)
                {
                    return true;
                }
            }
            catch (SocketException)
            {
                return true; // reset
            }
        }
        return false;
    }

    /// <summary>Bytes read, 0 at the end of the stream, or -1 when nothing came within <paramref name="timeout"/>.</summary>
    private async Task<int> ReceiveAsync(Memory<byte> buffer, TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout > TimeSpan.Zero ? timeout : TimeSpan.FromMilliseconds(1));
        try
        {
            return await _socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
        }
        catch (OperationCanceledException)
        {
            return -1;
        }
    }

    private static void WriteUInt24(Stream stream, uint value)
    {
        stream.WriteByte((byte)(value >> 16));
        stream.WriteByte((byte)(value >> 8));
        stream.WriteByte((byte)value);
    }

    public void Dispose()
    {
        _socket.Dispose();
        _received.Dispose();
    }
}
