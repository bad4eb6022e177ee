using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Net.Client;
using Nethereum.Util;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Network.Wire;

namespace StreamGateway.Orchestrator.Tests;

/// <summary>
/// The real orchestrator host on a free loopback port with its self-signed TLS endpoint, plus clients that, like
/// go-B, skip certificate verification.
/// </summary>
public sealed class RunningOrchestrator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningOrchestrator(WebApplication app, Uri serviceUri, string workDir)
    {
        _app = app;
        ServiceUri = serviceUri;
        WorkDir = workDir;
        Http = new HttpClient(AcceptAnyCertificate()) { BaseAddress = serviceUri, Timeout = TimeSpan.FromSeconds(60) };
        Channel = GrpcChannel.ForAddress(serviceUri, new GrpcChannelOptions { HttpHandler = AcceptAnyCertificate() });
        Client = new Network.Wire.Orchestrator.OrchestratorClient(Channel);
    }

    public Uri ServiceUri { get; }
    public string WorkDir { get; }
    public HttpClient Http { get; }
    public GrpcChannel Channel { get; }
    public Network.Wire.Orchestrator.OrchestratorClient Client { get; }
    /// <summary>The host's services, to look at its state from outside the wire.</summary>
    public IServiceProvider Services => _app.Services;

    /// <param name="settings">Extra configuration, e.g. the Chain section.</param>
    /// <param name="cleartext">Serve h2c and HTTP/1.1 without TLS on an http:// URI (go-livepeer's cleartext mode).</param>
    public static async Task<RunningOrchestrator> StartAsync(int maxSessions = 10, IReadOnlyDictionary<string, string?>? settings = null,
        int? port = null, bool cleartext = false)
    {
        port ??= FreePort();
        var serviceUri = new Uri($"{(cleartext ? "http" : "https")}://127.0.0.1:{port}");
        var workDir = Directory.CreateTempSubdirectory("orchestrator-test-").FullName;
        var app = OrchestratorHost.Build([], config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:Port"] = port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orchestrator:ServiceUri"] = serviceUri.ToString().TrimEnd('/'),
            ["Orchestrator:WorkDir"] = workDir,
            ["Orchestrator:MaxSessions"] = maxSessions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orchestrator:Cleartext"] = cleartext ? "true" : "false",
            ["Logging:LogLevel:Default"] = "Warning",
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()));
        await app.StartAsync();
        return new RunningOrchestrator(app, serviceUri, workDir);
    }

    // go-B verifies neither the CA nor the host name of an orchestrator's certificate (livepeer-wire §6).
#pragma warning disable CA5359
    public static SocketsHttpHandler AcceptAnyCertificate() => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    };
#pragma warning restore CA5359

    public static SegData Segment(AuthToken token, long seq, byte[] body, params VideoProfile[] profiles)
    {
        var segment = new SegData
        {
            ManifestId = ByteString.CopyFromUtf8("test-manifest"),
            Seq = seq,
            Hash = ByteString.CopyFrom(new Sha3Keccack().CalculateHash(body)),
            Duration = 2000,
            AuthToken = token,
        };
        segment.FullProfiles.AddRange(profiles);
        return segment;
    }

    /// <param name="chunked">Send the body without a Content-Length, as a stream of unknown size.</param>
    public Task<HttpResponseMessage> PostSegmentAsync(SegData segment, byte[] body, string? payment = null, bool chunked = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, LivepeerHeaders.SegmentPath)
        {
            Content = new ByteArrayContent(body),
        };
        request.Headers.TransferEncodingChunked = chunked;
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(LivepeerHeaders.SegmentBytesContentType);
        request.Headers.Add(LivepeerHeaders.Segment, LivepeerHeaders.Encode(segment));
        if (payment is not null)
        {
            request.Headers.Add(LivepeerHeaders.Payment, payment);
        }
        return Http.SendAsync(request);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(WorkDir, recursive: true);
    }
}

/// <summary>A 2 s 640x360 MPEG-TS segment with audio, made once with ffmpeg, like a live source segment.</summary>
public sealed class TestSegment : IAsyncLifetime
{
    public byte[] Bytes { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"orchestrator-source-{Guid.NewGuid():N}.ts");
        var args = new FfmpegArguments()
            .Add("-hide_banner").Add("-nostdin").Add("-loglevel", "error").Add("-y")
            .Add("-f", "lavfi").Add("-i", "testsrc2=size=640x360:rate=30")
            .Add("-f", "lavfi").Add("-i", "sine=frequency=440")
            .Add("-t", 2L).Add("-c:v", "libx264").Add("-preset", "veryfast").Add("-g", 60L)
            .Add("-c:a", "aac").Add("-f", "mpegts").Add(path)
            .Build();
        await FfmpegProcess.RunAsync("ffmpeg", args, TimeSpan.FromSeconds(60), CancellationToken.None);
        Bytes = await File.ReadAllBytesAsync(path);
        File.Delete(path);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
