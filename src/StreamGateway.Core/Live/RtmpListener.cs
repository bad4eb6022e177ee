using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Media.Rtmp;

namespace StreamGateway.Core.Live;

/// <summary>
/// Accepts RTMP publishers on <see cref="IngestOptions.RtmpPort"/>. Each connection runs on its own task; a
/// misbehaving peer only ever ends its own connection. A connection over the connection caps, or from an address
/// blocked for guessing keys, is closed as soon as it is accepted, before it costs a handshake; the rest are bound by
/// the publish deadline and the buffer caps of <see cref="IngestOptions"/>. Behind a load balancer that sends the PROXY
/// protocol (<see cref="IngestOptions.ProxyProtocolFrom"/>) the header is read first, within the publish deadline, and
/// the client it names is the peer all of this applies to.
/// </summary>
public sealed class RtmpListener(
    LiveIngest ingest,
    IngestConnections connections,
    FailedKeyLimiter failedKeys,
    IOptions<IngestOptions> options,
    ILogger<RtmpListener> logger) : BackgroundService
{
    public const string App = "live";
    private Socket? _socket;
    private HashSet<IPAddress> _proxies = [];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Bind before the host reports started, so a publisher can connect as soon as /healthz is green.
        var o = options.Value;
        _socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(new IPEndPoint(IPAddress.Parse(o.RtmpAddress), o.RtmpPort));
        _socket.Listen(512);
        _proxies = [.. o.ProxyProtocolFrom.Select(a => IPAddress.TryParse(a, out var ip) ? Unmapped(ip)
            : throw new InvalidOperationException($"Ingest:ProxyProtocolFrom: '{a}' is not an IP address"))];
        logger.LogInformation("RTMP ingest listening on rtmp://{Address}:{Port}/{App}", o.RtmpAddress, o.RtmpPort, App);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var server = new RtmpServerOptions
        {
            App = App,
            IdleTimeout = TimeSpan.FromSeconds(o.IdleTimeoutSeconds),
            PublishTimeout = TimeSpan.FromSeconds(o.PublishDeadlineSeconds),
            MaxMessageLength = o.MaxMessageBytes,
            MaxPendingBytes = o.MaxBufferedBytesPerConnection,
        };
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket!.AcceptAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException e)
            {
                logger.LogWarning("RTMP accept failed: {Error}", e.SocketErrorCode);
                continue;
            }
            var peer = client.RemoteEndPoint as IPEndPoint;
            if (peer is not null && _proxies.Contains(Unmapped(peer.Address)))
            {
                _ = Task.Run(() => ServeProxiedAsync(client, peer, server, stoppingToken), CancellationToken.None);
                continue;
            }
            if (Admit(client, peer) is not { } admitted)
            {
                continue;
            }
            _ = Task.Run(() => ServeAsync(client, admitted.Remote, admitted.Slot, server, stoppingToken), CancellationToken.None);
        }
    }

    // The listening socket is dual-mode: IPv4 peers arrive as ::ffff:a.b.c.d, and are logged as a.b.c.d.
    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>A load balancer's connection: its PROXY header names the client, which is then admitted as any peer.</summary>
    private async Task ServeProxiedAsync(Socket client, IPEndPoint proxy, RtmpServerOptions server, CancellationToken stopping)
    {
        IPEndPoint? source;
        bool ok;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping))
        {
            deadline.CancelAfter(server.PublishTimeout);
            try
            {
                await using var header = new NetworkStream(client, ownsSocket: false);
                (source, ok) = await Media.Net.ProxyProtocolV1.ReadAsync(header, deadline.Token);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                (source, ok) = (null, false);
            }
        }
        if (!ok)
        {
            logger.LogWarning("RTMP connection from load balancer {Proxy} closed: no PROXY protocol header (Ingest:ProxyProtocolFrom)", proxy);
            Reset(client);
            return;
        }
        if (Admit(client, source ?? proxy) is { } admitted)
        {
            await ServeAsync(client, admitted.Remote, admitted.Slot, server, stopping);
        }
    }

    /// <summary>The connection's peer and its slot, or null when it was closed on the spot.</summary>
    private (IPEndPoint Remote, IDisposable Slot)? Admit(Socket client, IPEndPoint? endPoint)
    {
        var address = endPoint is null ? null : Unmapped(endPoint.Address);
        string? refusal;
        if (address is null)
        {
            refusal = "no remote address";
        }
        else if (failedKeys.BlockedUntil(address) is { } until)
        {
            refusal = $"too many unknown stream keys (Ingest:MaxFailedKeysPerMinute), blocked until {until:O}";
        }
        else if (connections.TryOpen(address, out refusal) is { } slot)
        {
            return (new IPEndPoint(address, endPoint!.Port), slot);
        }
        logger.LogWarning("RTMP connection from {Address} closed on accept: {Reason}", address, refusal);
        Reset(client);
        return null;
    }

    private static void Reset(Socket client)
    {
        try
        {
            // A reset rather than a graceful close: nothing is owed to this peer, not even a TIME_WAIT.
            client.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // already gone
        }
        client.Dispose();
    }

    private async Task ServeAsync(Socket client, IPEndPoint remote, IDisposable slot, RtmpServerOptions server, CancellationToken stopping)
    {
        using var _ = slot;
        client.NoDelay = true;
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        await using var stream = new NetworkStream(client, ownsSocket: true);
        var transport = new StreamPipe(stream);
        try
        {
            var end = await new RtmpServerConnection(server, message => logger.LogDebug("RTMP {Remote}: {Message}", remote, message))
                .RunAsync(transport, (request, ct) => ingest.AuthorizeAsync(request, remote.Address, connection, ct), connection.Token);
            if (end.Dropped)
            {
                logger.LogWarning("RTMP peer {Remote} dropped: {Reason}", remote, end.Reason);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            logger.LogDebug("RTMP connection from {Remote} ended: {Error}", remote, e.Message);
        }
        finally
        {
            await transport.Input.CompleteAsync();
            await transport.Output.CompleteAsync();
        }
    }

    public override void Dispose()
    {
        _socket?.Dispose();
        base.Dispose();
    }

    private sealed class StreamPipe(System.IO.Stream stream) : IDuplexPipe
    {
        public PipeReader Input { get; } = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        public PipeWriter Output { get; } = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }
}
