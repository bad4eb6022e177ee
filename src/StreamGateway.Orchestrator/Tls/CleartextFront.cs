using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace StreamGateway.Orchestrator.Tls;

/// <summary>
/// The cleartext mode's one port for both of go-livepeer's cleartext protocols: gRPC as HTTP/2 with prior knowledge
/// (h2c) and <c>/segment</c>, rendition and transcoder requests as HTTP/1.1. A Kestrel endpoint without TLS speaks only
/// one protocol, so this middleware on the HTTP/1.1 endpoint reads a connection's first bytes: a connection that opens
/// with the HTTP/2 preface is relayed, byte for byte, to an HTTP/2-only listener on a Unix socket in the work folder;
/// any other stays where it is. Nothing is consumed while looking.
/// </summary>
public sealed class CleartextFront(ConnectionDelegate next, string http2Socket, TimeSpan prefaceTimeout)
{
    private static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        bool http2;
        // A connection that sends no first request within the limit is closed, as Kestrel closes one that sends no headers.
        using (var limit = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed))
        {
            limit.CancelAfter(prefaceTimeout);
            try
            {
                while (true)
                {
                    var read = await input.ReadAsync(limit.Token);
                    var verdict = Opening(read.Buffer);
                    if (verdict is { } v)
                    {
                        // Nothing taken and nothing marked as seen, so whoever reads next gets these bytes at once.
                        input.AdvanceTo(read.Buffer.Start);
                        http2 = v;
                        break;
                    }
                    input.AdvanceTo(read.Buffer.Start, read.Buffer.End); // seen, not taken: wait for more

                    if (read.IsCompleted)
                    {
                        return; // closed part way through a preface: nothing to serve
                    }
                }
            }
            catch (OperationCanceledException)
            {
                connection.Abort(new ConnectionAbortedException("no request within the time allowed"));
                return;
            }
        }
        if (http2)
        {
            await RelayAsync(connection);
        }
        else
        {
            await next(connection);
        }
    }

    /// <summary>True when the bytes open with the HTTP/2 preface, false when they cannot, null when too few have come to
    /// tell.</summary>
    public static bool? Opening(ReadOnlySequence<byte> buffer)
    {
        var length = (int)Math.Min(buffer.Length, Preface.Length);
        Span<byte> head = stackalloc byte[Preface.Length];
        buffer.Slice(0, length).CopyTo(head);
        if (!head[..length].SequenceEqual(Preface[..length]))
        {
            return false;
        }
        return length == Preface.Length ? true : null;
    }

    private async Task RelayAsync(ConnectionContext connection)
    {
        using var inner = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await inner.ConnectAsync(new UnixDomainSocketEndPoint(http2Socket), connection.ConnectionClosed);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            connection.Abort(new ConnectionAbortedException("the HTTP/2 listener is not there", e));
            return;
        }
        var up = QuietlyAsync(UpAsync(connection.Transport.Input, inner));
        var down = QuietlyAsync(DownAsync(inner, connection.Transport.Output));
        if (await Task.WhenAny(up, down) == up)
        {
            // The client is done sending: the listener answers what it has, then closes.
            ShutdownQuietly(inner);
            await down;
        }
        else
        {
            // The listener closed (GOAWAY, or its own limits): stop reading the client.
            connection.Transport.Input.CancelPendingRead();
            await up;
        }
    }

    private static async Task UpAsync(PipeReader from, Socket to)
    {
        while (true)
        {
            var read = await from.ReadAsync();
            foreach (var piece in read.Buffer)
            {
                await to.SendAsync(piece, SocketFlags.None);
            }
            from.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted || read.IsCanceled)
            {
                return;
            }
        }
    }

    private static async Task DownAsync(Socket from, PipeWriter to)
    {
        while (true)
        {
            var received = await from.ReceiveAsync(to.GetMemory(16 * 1024), SocketFlags.None);
            if (received == 0)
            {
                return;
            }
            to.Advance(received);
            if ((await to.FlushAsync()).IsCompleted)
            {
                return;
            }
        }
    }

    private static void ShutdownQuietly(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>A reset or closed connection on either side simply ends the relay.</summary>
    private static async Task QuietlyAsync(Task pump)
    {
        try
        {
            await pump;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException
                                      or InvalidOperationException or ConnectionAbortedException)
        {
        }
    }
}
