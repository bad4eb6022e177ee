using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// A hostile HTTP peer on loopback that holds every connection the gateway opens for as long as the gateway lets it:
/// <see cref="Trickle"/> answers 200 with a huge body and then sends one byte a second (a slow file server for URL
/// imports); <see cref="Silent"/> reads the request and never answers (a dead webhook receiver). It counts the
/// connections open at once by the first segment of their path, so a test can see how many a tenant held.
/// </summary>
public sealed class SlowPeer : IAsyncDisposable
{
    public enum Behaviour { Trickle, Silent }

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Behaviour _behaviour;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, int> _open = new();
    private readonly ConcurrentDictionary<string, int> _most = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;
    private int _openTotal;
    private int _mostTotal;

    private SlowPeer(Behaviour behaviour)
    {
        _behaviour = behaviour;
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = Task.Run(AcceptAsync);
    }

    public static SlowPeer Trickle() => new(Behaviour.Trickle);

    public static SlowPeer Silent() => new(Behaviour.Silent);

    /// <summary>Base URL without a trailing slash; put the tenant first in the path: <c>{Url}/{tenant}/...</c>.</summary>
    public string Url { get; }

    /// <summary>Connections open right now.</summary>
    public int Open => Volatile.Read(ref _openTotal);

    /// <summary>The most connections that were open at once.</summary>
    public int MostAtOnce => Volatile.Read(ref _mostTotal);

    /// <summary>The most connections that were open at once for each first path segment.</summary>
    public IReadOnlyDictionary<string, int> MostAtOnceByTenant => new Dictionary<string, int>(_most);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _connections.Add(Task.Run(() => HoldAsync(socket)));
        }
    }

    private async Task HoldAsync(Socket socket)
    {
        using var _ = socket;
        string? tenant = null;
        try
        {
            var head = await ReadHeadAsync(socket);
            var target = head.Split(' ') is [_, var path, ..] ? path : "/";
            tenant = target.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
            Count(tenant, 1);
            if (_behaviour == Behaviour.Trickle)
            {
                await socket.SendAsync(Encoding.ASCII.GetBytes(
                    "HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: 100000000\r\n\r\n"), _stop.Token);
                while (!_stop.IsCancellationRequested)
                {
                    await socket.SendAsync(new byte[] { 0 }, _stop.Token);
                    await Task.Delay(1000, _stop.Token);
                }
            }
            else
            {
                // Read whatever comes (the body) and answer nothing, until the sender gives up and closes.
                var buffer = new byte[4096];
                while (await socket.ReceiveAsync(buffer, _stop.Token) > 0)
                {
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            if (tenant is not null)
            {
                Count(tenant, -1);
            }
        }
    }

    private void Count(string tenant, int change)
    {
        var now = _open.AddOrUpdate(tenant, change, (_, n) => n + change);
        _most.AddOrUpdate(tenant, now, (_, n) => Math.Max(n, now));
        var total = Interlocked.Add(ref _openTotal, change);
        int most;
        while (total > (most = Volatile.Read(ref _mostTotal)) && Interlocked.CompareExchange(ref _mostTotal, total, most) != most)
        {
        }
    }

    /// <summary>The request line and headers (up to the blank line).</summary>
    private async Task<string> ReadHeadAsync(Socket socket)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 16 * 1024)
        {
            if (await socket.ReceiveAsync(one, _stop.Token) == 0)
            {
                break;
            }
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        await Task.WhenAll(_connections);
        _stop.Dispose();
    }
}
