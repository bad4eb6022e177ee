using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Network.Wire;
using StreamGateway.Orchestrator.Transcoders;

namespace StreamGateway.Orchestrator.Tests;

/// <summary>
/// The orchestrator↔transcoder protocol as a stock go-livepeer transcoder (go-T) speaks it, one row each, run against
/// our orchestrator with a raw client that does exactly what go-T does. Each row names the go-livepeer code the
/// behaviour is read from.
/// </summary>
public sealed class GoLivepeerTranscoderConformanceTests(TestSegment source, GoLivepeerTranscoderConformanceTests.Node node)
    : IClassFixture<TestSegment>, IClassFixture<GoLivepeerTranscoderConformanceTests.Node>
{
    private const string Secret = "transcoder-secret-for-conformance";
    private static readonly VideoProfile P240 = new() { Name = "P240p30fps16x9", Width = 426, Height = 240, Bitrate = 250_000 };

    /// <summary>One orchestrator that only transcoders may work for (no local transcoding).</summary>
    public sealed class Node : IAsyncLifetime
    {
        public RunningOrchestrator O { get; private set; } = null!;

        public async Task InitializeAsync() => O = await RunningOrchestrator.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Orchestrator:TranscoderSecret"] = Secret,
            ["Orchestrator:TranscodeLocally"] = "false",
        });

        public async Task DisposeAsync() => await O.DisposeAsync();
    }

    public static TheoryData<string, string> Rows => new()
    {
        { "a go-T with the wrong secret is refused with \"invalid secret\"", "server/ot_rpc.go RegisterTranscoder (errSecret)" },
        { "a go-T declaring no capacity is refused with \"zero capacity\"", "server/ot_rpc.go RegisterTranscoder (errZeroCapacity)" },
        { "a go-T is sent the source URL, a task id, the orchestrator's id, full profiles without the hash, and \"invalid\" legacy profiles",
            "core/orchestrator.go RemoteTranscoder.Transcode" },
        { "a go-T fetches the source from the URL it was sent, without credentials", "server/ot_rpc.go runTranscode (downloadSeg)" },
        { "a go-T's results over HTTP/2 with TLS, multipart/mixed with Pixels per part, reach the broadcaster",
            "server/ot_rpc.go runTranscode, TranscodeResults" },
        { "a go-T's livepeer/transcoding-error fails the segment with its text", "server/ot_rpc.go TranscodeResults (transcodingErrorMimeType)" },
        { "results without go-T's protocol version and secret are refused with 401", "server/ot_rpc.go TranscodeResults (authorized)" },
        { "a session's end reaches its go-T as a notice with the session id and no URL", "core/orchestrator.go EndTranscodingSession" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
#pragma warning disable xUnit1026 // the source column is for the reader
    public async Task Behaves_as_go_livepeer_toward_a_transcoder(string behaviour, string goLivepeerSource)
#pragma warning restore xUnit1026
    {
        var client = new Transcoder.TranscoderClient(node.O.Channel);
        switch (behaviour)
        {
            case "a go-T with the wrong secret is refused with \"invalid secret\"":
                await RefusedAsync(client, new RegisterRequest { Secret = "not-the-secret-at-all", Capacity = 1 }, TranscoderGrpcService.SecretRefused);
                break;
            case "a go-T declaring no capacity is refused with \"zero capacity\"":
                await RefusedAsync(client, new RegisterRequest { Secret = Secret, Capacity = 0 }, TranscoderGrpcService.CapacityRefused);
                break;
            case "a go-T is sent the source URL, a task id, the orchestrator's id, full profiles without the hash, and \"invalid\" legacy profiles":
            {
                await using var job = await JobAsync(client);
                var n = job.Notice;
                Assert.StartsWith(node.O.ServiceUri.ToString(), n.Url, StringComparison.Ordinal);
                Assert.True(n.TaskId > 0);
                Assert.Equal("offchain", n.OrchId);
                Assert.Equal("invalid", n.Profiles.ToStringUtf8());
                Assert.True(n.SegData.Hash.IsEmpty);
                Assert.Equal(P240, Assert.Single(n.SegData.FullProfiles));
                Assert.Equal(job.SessionId, n.SegData.AuthToken.SessionId);
                break;
            }
            case "a go-T fetches the source from the URL it was sent, without credentials":
            {
                await using var job = await JobAsync(client);
                using var plain = new HttpClient(RunningOrchestrator.AcceptAnyCertificate());
                Assert.Equal(source.Bytes, await plain.GetByteArrayAsync(job.Notice.Url));
                break;
            }
            case "a go-T's results over HTTP/2 with TLS, multipart/mixed with Pixels per part, reach the broadcaster":
            {
                await using var job = await JobAsync(client);
                var (rendition, pixels) = await CompleteAsync(job);
                var result = await job.Result;
                Assert.True(result.ResultCase == TranscodeResult.ResultOneofCase.Data, result.Error);
                Assert.Equal(pixels, Assert.Single(result.Data.Segments).Pixels);
                Assert.Equal(rendition, await node.O.Http.GetByteArrayAsync(result.Data.Segments[0].Url));
                break;
            }
            case "a go-T's livepeer/transcoding-error fails the segment with its text":
            {
                await using var job = await JobAsync(client);
                var error = new StringContent("Unsupported input pixel format");
                error.Headers.ContentType = new MediaTypeHeaderValue(TranscoderEndpoints.ErrorContentType);
                using var post = Results(job.Notice.TaskId, error);
                using (var accepted = await node.O.Http.SendAsync(post))
                {
                    Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
                }
                var result = await job.Result;
                Assert.Equal(TranscodeResult.ResultOneofCase.Error, result.ResultCase);
                Assert.Contains("Unsupported input pixel format", result.Error, StringComparison.Ordinal);
                break;
            }
            case "results without go-T's protocol version and secret are refused with 401":
            {
                await using var job = await JobAsync(client);
                foreach (var (version, secret) in new[] { ("Livepeer-Transcoder-0.9", Secret), (TranscoderEndpoints.ProtocolVersion, "not-the-secret-at-all") })
                {
                    using var post = Results(job.Notice.TaskId, new StringContent("x"), version, secret);
                    using var refused = await node.O.Http.SendAsync(post);
                    Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                }
                break;
            }
            case "a session's end reaches its go-T as a notice with the session id and no URL":
            {
                await using var job = await JobAsync(client);
                await CompleteAsync(job);
                await job.Result;
                await node.O.Client.EndTranscodingSessionAsync(new EndTranscodingSessionRequest { AuthToken = job.Token });
                Assert.True(await job.Call.ResponseStream.MoveNext());
                var end = job.Call.ResponseStream.Current;
                Assert.Equal((string.Empty, job.SessionId), (end.Url, end.SegData.AuthToken.SessionId));
                break;
            }
            default:
                Assert.Fail($"no check for \"{behaviour}\"");
                break;
        }
    }

    private static async Task RefusedAsync(Transcoder.TranscoderClient client, RegisterRequest request, string detail)
    {
        using var call = client.RegisterTranscoder(request);
        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        // go-O's errors are plain Go errors: gRPC status UNKNOWN with the text.
        Assert.Equal((StatusCode.Unknown, detail), (refused.StatusCode, refused.Status.Detail));
    }

    /// <summary>Answers the job's notice as go-T does: the rendition in a multipart/mixed body over HTTP/2 with TLS.</summary>
    private async Task<(byte[] Rendition, long Pixels)> CompleteAsync(Job job)
    {
        var rendition = await RenditionAsync();
        var pixels = Media.Ts.MpegTsVideo.Read(rendition).Pixels;
        using var body = new MultipartContent("mixed");
        var part = new ByteArrayContent(rendition);
        part.Headers.ContentType = new MediaTypeHeaderValue("video/mp2t");
        part.Headers.TryAddWithoutValidation("Pixels", pixels.ToString(System.Globalization.CultureInfo.InvariantCulture));
        part.Headers.TryAddWithoutValidation("Content-Disposition", "attachment; filename=\"0.ts\"");
        body.Add(part);
        using var post = Results(job.Notice.TaskId, body);
        post.Version = HttpVersion.Version20; // go-T's HTTP client negotiates h2 and takes nothing else
        post.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        using var h2 = new HttpClient(RunningOrchestrator.AcceptAnyCertificate()) { BaseAddress = node.O.ServiceUri };
        using var accepted = await h2.SendAsync(post);
        Assert.Equal((HttpStatusCode.OK, new Version(2, 0)), (accepted.StatusCode, accepted.Version));
        return (rendition, pixels);
    }

    private static HttpRequestMessage Results(long taskId, HttpContent body, string version = TranscoderEndpoints.ProtocolVersion, string secret = Secret)
    {
        var post = new HttpRequestMessage(HttpMethod.Post, TranscoderEndpoints.ResultsPath) { Content = body };
        post.Headers.TryAddWithoutValidation("Authorization", version);
        post.Headers.TryAddWithoutValidation("Credentials", secret);
        post.Headers.TryAddWithoutValidation("TaskId", taskId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return post;
    }

    /// <summary>A raw go-T registered with the orchestrator, holding one segment's notice, the broadcaster's request for
    /// that segment still open.</summary>
    private sealed class Job(AsyncServerStreamingCall<NotifySegment> call, AuthToken token, NotifySegment notice,
        Task<TranscodeResult> result) : IAsyncDisposable
    {
        public AsyncServerStreamingCall<NotifySegment> Call => call;
        public AuthToken Token => token;
        public string SessionId => token.SessionId;
        public NotifySegment Notice => notice;
        public Task<TranscodeResult> Result => result;

        public async ValueTask DisposeAsync()
        {
            call.Dispose();
            try
            {
                await result; // the segment fails over to no one once the transcoder leaves
            }
            catch (HttpRequestException)
            {
            }
        }
    }

    private async Task<Job> JobAsync(Transcoder.TranscoderClient client)
    {
        // The transcoder of an earlier row has left, and this one is the only one joined.
        var pool = node.O.Services.GetRequiredService<RemoteTranscoders>();
        await JoinedAsync(pool, 0);
        var call = client.RegisterTranscoder(new RegisterRequest { Secret = Secret, Capacity = 1 });
        await JoinedAsync(pool, 1);
        var token = (await node.O.Client.GetOrchestratorAsync(new OrchestratorRequest())).AuthToken;
        var result = SegmentAsync(token);
        Assert.True(await call.ResponseStream.MoveNext(), "the notice reached the transcoder");
        return new Job(call, token, call.ResponseStream.Current, result);
    }

    private async Task<TranscodeResult> SegmentAsync(AuthToken token)
    {
        using var response = await node.O.PostSegmentAsync(RunningOrchestrator.Segment(token, 1, source.Bytes, P240), source.Bytes);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return TranscodeResult.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
    }

    private static async Task JoinedAsync(RemoteTranscoders pool, int count)
    {
        for (var i = 0; i < 100 && pool.Count != count; i++)
        {
            await Task.Delay(50);
        }
        Assert.Equal(count, pool.Count);
    }

    /// <summary>The source at 426x240, as a transcoder would make it.</summary>
    private async Task<byte[]> RenditionAsync()
    {
        var input = Path.GetTempFileName();
        var output = input + ".ts";
        try
        {
            await File.WriteAllBytesAsync(input, source.Bytes);
            var args = new FfmpegArguments().Add("-hide_banner").Add("-nostdin").Add("-loglevel", "error").Add("-y")
                .Add("-i", input).Add("-vf", "scale=426:240").Add("-c:v", "libx264").Add("-preset", "ultrafast").Add("-c:a", "copy")
                .Add("-f", "mpegts").Add(output).Build();
            await FfmpegProcess.RunAsync("ffmpeg", args, TimeSpan.FromSeconds(60), CancellationToken.None);
            return await File.ReadAllBytesAsync(output);
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }
}
