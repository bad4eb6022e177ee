using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using StreamGateway.Network.Wire;

namespace StreamGateway.Network.Transport;

/// <summary>
/// The broadcaster's side of the wire (livepeer-protocol §1.4, §5.3): <c>GetOrchestrator</c> over gRPC and
/// <c>POST /segment</c> over HTTPS to the same host and port, then rendition downloads. Orchestrators present
/// self-signed certificates, so, as go-B does, certificates are not verified: the orchestrator is identified by
/// its on-chain service URI, and its work is checked after download.
/// </summary>
public sealed class OrchestratorClient : IDisposable
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Most bytes read of a TranscodeResult (URLs, pixel counts and fresh ticket params: a few KiB when honest).</summary>
    public const int MaxResultBytes = 256 * 1024;

    /// <summary>Most bytes read of an orchestrator's refusal, and of a GetOrchestrator answer (gRPC's message limit).</summary>
    public const int MaxErrorBytes = 4 * 1024, MaxInfoBytes = 256 * 1024;

    private readonly SocketsHttpHandler _handler;
    private readonly SocketsHttpHandler _grpcHandler;
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="connect">
    /// Opens every connection (gRPC, segment posts, rendition downloads): the place to refuse addresses an orchestrator
    /// must not make the gateway reach. Null connects anywhere.
    /// </param>
    public OrchestratorClient(Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? connect = null)
    {
        // gRPC channels put their own load-balancing layer on a handler, so they get one of their own.
        _handler = NewHandler(connect);
        _grpcHandler = NewHandler(connect);
        _http = new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static SocketsHttpHandler NewHandler(Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? connect) =>
        new()
        {
            ConnectTimeout = ConnectTimeout,
            ConnectCallback = connect,
            // A proxy would be the address connected to, and the connect rule would judge it instead of the orchestrator.
            UseProxy = false,
            MaxAutomaticRedirections = 3,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            EnableMultipleHttp2Connections = true,
            SslOptions = new SslClientAuthenticationOptions
            {
#pragma warning disable CA5359 // self-signed orchestrator certificates are the protocol's norm (see the class summary)
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
            },
        };

    public async Task<OrchestratorInfo> GetOrchestratorAsync(string serviceUri, OrchestratorRequest request, TimeSpan timeout, CancellationToken ct)
    {
        var client = new Wire.Orchestrator.OrchestratorClient(Channel(serviceUri));
        try
        {
            var info = await client.GetOrchestratorAsync(request, deadline: DateTime.UtcNow.Add(timeout), cancellationToken: ct);
            if (string.IsNullOrEmpty(info.Transcoder))
            {
                throw new OrchestratorException($"{serviceUri} answered GetOrchestrator without a transcoder URI",
                reason: "an orchestrator could not be reached or refused this gateway");
            }
            return info;
        }
        catch (RpcException e)
        {
            throw new OrchestratorException($"GetOrchestrator at {serviceUri} failed: {e.Status.StatusCode} {Quote(e.Status.Detail)}", inner: e,
                reason: "an orchestrator could not be reached or refused this gateway");
        }
    }

    /// <summary>Tells the orchestrator a session is over, so it can free its capacity and files. Best effort.</summary>
    public async Task EndSessionAsync(string serviceUri, AuthToken token, TimeSpan timeout)
    {
        try
        {
            await new Wire.Orchestrator.OrchestratorClient(Channel(serviceUri))
                .EndTranscodingSessionAsync(new EndTranscodingSessionRequest { AuthToken = token }, deadline: DateTime.UtcNow.Add(timeout));
        }
        catch (RpcException)
        {
        }
    }

    /// <summary>
    /// Sends one source segment. The orchestrator must answer with its headers within <paramref name="uploadTimeout"/>
    /// (it flushes them before transcoding) and with the whole result before <paramref name="deadline"/>.
    /// </summary>
    public async Task<(TranscodeData Data, OrchestratorInfo? Info)> SubmitSegmentAsync(OrchestratorInfo info, SegData segment, ReadOnlyMemory<byte> body,
        TimeSpan uploadTimeout, TimeSpan deadline, CancellationToken ct, Payment? payment = null)
    {
        using var whole = CancellationTokenSource.CreateLinkedTokenSource(ct);
        whole.CancelAfter(deadline);
        using var request = new HttpRequestMessage(HttpMethod.Post, info.Transcoder.TrimEnd('/') + LivepeerHeaders.SegmentPath)
        {
            Content = new ReadOnlyMemoryContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(LivepeerHeaders.SegmentBytesContentType);
        request.Headers.Add(LivepeerHeaders.Segment, LivepeerHeaders.Encode(segment));
        request.Headers.Add(LivepeerHeaders.Payment, payment is null ? "" : LivepeerHeaders.Encode(payment));

        HttpResponseMessage response;
        using (var upload = CancellationTokenSource.CreateLinkedTokenSource(whole.Token))
        {
            upload.CancelAfter(uploadTimeout);
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, upload.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                throw new OrchestratorException(e is OperationCanceledException
                    ? $"{info.Transcoder} did not take the segment within {uploadTimeout.TotalSeconds:0.#} s"
                    : $"could not send the segment to {info.Transcoder}: {e.Message}", inner: e,
                    reason: e is OperationCanceledException ? "an orchestrator did not take it in time" : "an orchestrator could not be reached");
            }
        }
        using (response)
        {
            byte[] bytes;
            bool complete;
            try
            {
                (bytes, complete) = await BoundedBody.ReadAsync(response.Content,
                    response.StatusCode == HttpStatusCode.OK ? MaxResultBytes : MaxErrorBytes, whole.Token);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                throw new OrchestratorException(e is OperationCanceledException
                    ? $"{info.Transcoder} did not finish the segment within {deadline.TotalSeconds:0.#} s"
                    : $"{info.Transcoder} dropped the connection while transcoding: {e.Message}", inner: e,
                    reason: e is OperationCanceledException ? "an orchestrator did not finish it in time" : "an orchestrator dropped the connection");
            }
            if (response.StatusCode != HttpStatusCode.OK)
            {
                // go-O answers 400 for the payment (livepeer-wire §3.2 steps 4-5; step 7 is for segments sent by URI, never here).
                throw new OrchestratorException($"{info.Transcoder} refused the segment: {(int)response.StatusCode} {BoundedBody.Quote(bytes)}",
                    reason: "an orchestrator refused it")
                {
                    PaymentRefused = response.StatusCode == HttpStatusCode.BadRequest,
                };
            }
            if (!complete)
            {
                throw new OrchestratorException($"{info.Transcoder} answered with more than {MaxResultBytes} bytes",
                    reason: "an orchestrator answered with something that is not a transcode result");
            }
            TranscodeResult result;
            try
            {
                result = TranscodeResult.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new OrchestratorException($"{info.Transcoder} answered with an unreadable TranscodeResult", inner: e,
                    reason: "an orchestrator answered with something that is not a transcode result");
            }
            return result.ResultCase switch
            {
                TranscodeResult.ResultOneofCase.Data => (result.Data, result.Info),
                TranscodeResult.ResultOneofCase.Error => throw new OrchestratorException(
                    $"{info.Transcoder} could not transcode: {Quote(result.Error)}", reason: "an orchestrator could not transcode it"),
                _ => throw new OrchestratorException($"{info.Transcoder} answered with neither renditions nor an error",
                    reason: "an orchestrator answered with something that is not a transcode result"),
            };
        }
    }

    /// <summary>
    /// Fetches one rendition into <paramref name="path"/> (go-B allows half the HTTP timeout, 4 s, per file); a body
    /// over <paramref name="maxBytes"/> is refused as soon as it is seen to be.
    /// </summary>
    public async Task DownloadAsync(string url, string path, long maxBytes, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new OrchestratorException($"rendition {url} answered {(int)response.StatusCode}", reason: "a rendition could not be downloaded");
            }
            await BoundedBody.CopyToFileAsync(response.Content, path, maxBytes, cts.Token);
        }
        catch (InvalidDataException e)
        {
            throw new OrchestratorException($"rendition {url} is too large: {e.Message}", reason: "a rendition was far larger than it should be");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new OrchestratorException($"could not download rendition {url}: {e.Message}", inner: e, reason: "a rendition could not be downloaded");
        }
    }

    private static string Quote(string text) => BoundedBody.Quote(System.Text.Encoding.UTF8.GetBytes(text));

    private GrpcChannel Channel(string serviceUri) =>
        _channels.GetOrAdd(serviceUri.TrimEnd('/'), uri => GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            HttpHandler = _grpcHandler,
            DisposeHttpClient = false,
            MaxReceiveMessageSize = MaxInfoBytes,
        }));

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
        _http.Dispose();
        _handler.Dispose();
        _grpcHandler.Dispose();
    }
}
