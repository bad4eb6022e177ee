using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StreamGateway.Network.Tests.Transport;

/// <summary>
/// A plain-HTTP server on loopback that answers every request with one status line, headers and a body it writes
/// as it likes (endless, if asked): what a hostile orchestrator can send, which no honest server would.
/// </summary>
internal sealed class HostileHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public HostileHttpServer(string head, Func<Stream, CancellationToken, Task> body)
    {
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            var stream = client.GetStream();
                            await ReadHeadAsync(stream);
                            await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "\r\n\r\n"), _stop.Token);
                            await body(stream, _stop.Token);
                        }
                        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
                        {
                            // The client hung up: what a bounded reader does.
                        }
                    }
                });
            }
        });
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Writes 64 KiB blocks until the peer goes away (or the server stops).</summary>
    public static async Task EndlessAsync(Stream stream, CancellationToken ct)
    {
        var block = new byte[64 * 1024];
        Array.Fill(block, (byte)'x');
        while (true)
        {
            await stream.WriteAsync(block, ct);
        }
    }

    private static async Task ReadHeadAsync(Stream stream)
    {
        var seen = new List<byte>();
        var one = new byte[1];
        while (seen.Count < 64 * 1024 && await stream.ReadAsync(one) == 1)
        {
            seen.Add(one[0]);
            if (seen.Count >= 4 && seen[^4] == '\r' && seen[^3] == '\n' && seen[^2] == '\r' && seen[^1] == '\n')
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
