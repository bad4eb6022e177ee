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

    // gRPC channels put their own load-balancing layer on a handler, so they get one of their own.
    private readonly SocketsHttpHandler _handler = NewHandler();
    private readonly SocketsHttpHandler _grpcHandler = NewHandler();
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.OrdinalIgnoreCase);

    public OrchestratorClient()
    {
        _http = new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static SocketsHttpHandler NewHandler() =>
        new()
        {
            ConnectTimeout = ConnectTimeout,
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
                throw new OrchestratorException($"{serviceUri} answered GetOrchestrator without a transcoder URI");
            }
            return info;
        }
        catch (RpcException e)
        {
            throw new OrchestratorException($"GetOrchestrator at {serviceUri} failed: {e.Status.StatusCode} {e.Status.Detail}", inner: e);
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
                    : $"could not send the segment to {info.Transcoder}: {e.Message}", inner: e);
            }
        }
        using (response)
        {
            byte[] bytes;
            try
            {
                bytes = await response.Content.ReadAsByteArrayAsync(whole.Token);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                throw new OrchestratorException(e is OperationCanceledException
                    ? $"{info.Transcoder} did not finish the segment within {deadline.TotalSeconds:0.#} s"
                    : $"{info.Transcoder} dropped the connection while transcoding: {e.Message}", inner: e);
            }
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var text = System.Text.Encoding.UTF8.GetString(bytes).Trim();
                throw new OrchestratorException($"{info.Transcoder} refused the segment: {(int)response.StatusCode} {text}");
            }
            TranscodeResult result;
            try
            {
                result = TranscodeResult.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new OrchestratorException($"{info.Transcoder} answered with an unreadable TranscodeResult", inner: e);
            }
            return result.ResultCase switch
            {
                TranscodeResult.ResultOneofCase.Data => (result.Data, result.Info),
                TranscodeResult.ResultOneofCase.Error => throw new OrchestratorException($"{info.Transcoder} could not transcode: {result.Error}"),
                _ => throw new OrchestratorException($"{info.Transcoder} answered with neither renditions nor an error"),
            };
        }
    }

    /// <summary>Fetches one rendition (go-B allows half the HTTP timeout, 4 s, per file).</summary>
    public async Task<byte[]> DownloadAsync(string url, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseContentRead, cts.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new OrchestratorException($"rendition {url} answered {(int)response.StatusCode}");
            }
            return await response.Content.ReadAsByteArrayAsync(cts.Token);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new OrchestratorException($"could not download rendition {url}: {e.Message}", inner: e);
        }
    }

    private GrpcChannel Channel(string serviceUri) =>
        _channels.GetOrAdd(serviceUri.TrimEnd('/'), uri => GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            HttpHandler = _grpcHandler,
            DisposeHttpClient = false,
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
