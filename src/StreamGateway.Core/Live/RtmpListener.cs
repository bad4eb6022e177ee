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
/// misbehaving peer only ever ends its own connection.
/// </summary>
public sealed class RtmpListener(LiveIngest ingest, IOptions<IngestOptions> options, ILogger<RtmpListener> logger) : BackgroundService
{
    public const string App = "live";
    private Socket? _socket;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Bind before the host reports started, so a publisher can connect as soon as /healthz is green.
        var o = options.Value;
        _socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(new IPEndPoint(IPAddress.Parse(o.RtmpAddress), o.RtmpPort));
        _socket.Listen(512);
        logger.LogInformation("RTMP ingest listening on rtmp://{Address}:{Port}/{App}", o.RtmpAddress, o.RtmpPort, App);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var server = new RtmpServerOptions { App = App, IdleTimeout = TimeSpan.FromSeconds(o.IdleTimeoutSeconds) };
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
            _ = Task.Run(() => ServeAsync(client, server, stoppingToken), CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket client, RtmpServerOptions server, CancellationToken stopping)
    {
        client.NoDelay = true;
        var remote = client.RemoteEndPoint;
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        await using var stream = new NetworkStream(client, ownsSocket: true);
        var transport = new StreamPipe(stream);
        try
        {
            await new RtmpServerConnection(server, message => logger.LogDebug("RTMP {Remote}: {Message}", remote, message))
                .RunAsync(transport, (request, ct) => ingest.AuthorizeAsync(request, connection, ct), connection.Token);
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
