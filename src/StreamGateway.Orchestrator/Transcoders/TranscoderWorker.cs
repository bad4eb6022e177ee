using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Security;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Media.Ts;
using StreamGateway.Network.Wire;
using StreamGateway.Orchestrator.Segments;
using StreamGateway.Orchestrator.Transcoding;

namespace StreamGateway.Orchestrator.Transcoders;

/// <summary>Section <c>Transcoder</c>: the orchestrator a transcoder (<c>--transcoder</c>) joins.</summary>
public sealed class TranscoderOptions
{
    public const string Section = "Transcoder";

    /// <summary>The orchestrator's service URI (https; its certificate is self-signed, as go-livepeer's are).</summary>
    [Required, Url]
    public string OrchestratorUrl { get; set; } = "https://127.0.0.1:8935";

    /// <summary>The orchestrator's <c>Orchestrator:TranscoderSecret</c>.</summary>
    [Required, MinLength(16)]
    public string Secret { get; set; } = "";

    /// <summary>Sessions this transcoder takes at once (go-livepeer's <c>-maxSessions</c>).</summary>
    [Range(1, 1000)]
    public int Capacity { get; set; } = 1;
}

/// <summary>
/// A transcoder: joins an orchestrator (<c>RegisterTranscoder</c>) and, for each notice, fetches the segment,
/// transcodes the ladder the job names and posts the renditions back (<c>POST /transcodeResults</c>), as a go-livepeer
/// transcoder does, so it can serve a go-livepeer orchestrator as well as ours. It reconnects when the orchestrator
/// goes away, and stops for good when refused ("invalid secret", "zero capacity").
/// </summary>
public sealed class TranscoderWorker(IOptions<TranscoderOptions> options, IOptions<OrchestratorOptions> orchestrator, LadderTranscoder ladder,
    IHostApplicationLifetime lifetime, ILogger<TranscoderWorker> logger) : BackgroundService
{
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);
    private int _completed;

    /// <summary>Segments this transcoder made (and then posted).</summary>
    public int Completed => _completed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        // One handler for the registration's gRPC channel, another for fetching segments and posting results.
        using var handler = Handler();
        using var http = new HttpClient(Handler()) { Timeout = TimeSpan.FromMinutes(2) };
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var channel = GrpcChannel.ForAddress(o.OrchestratorUrl, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = false });
                var request = new RegisterRequest
                {
                    Secret = o.Secret,
                    Capacity = o.Capacity,
                    Capabilities = CapabilityBits.Describe(CapabilityBits.Offered, (uint)o.Capacity, orchestrator.Value.LivepeerVersion),
                };
                using var call = new Transcoder.TranscoderClient(channel).RegisterTranscoder(request, cancellationToken: stoppingToken);
                using var slots = new SemaphoreSlim(o.Capacity);
                logger.LogInformation("Joining {Orchestrator} with capacity {Capacity}", o.OrchestratorUrl, o.Capacity);
                await foreach (var notice in call.ResponseStream.ReadAllAsync(stoppingToken))
                {
                    backoff = TimeSpan.FromSeconds(1);
                    if (notice.Url.Length == 0)
                    {
                        continue; // the session ended; nothing is kept per session here
                    }
                    await slots.WaitAsync(stoppingToken);
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await RunAsync(http, notice, stoppingToken);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }, CancellationToken.None);
                }
                logger.LogWarning("{Orchestrator} ended the registration", o.OrchestratorUrl);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException e) when (e.Status.Detail is TranscoderGrpcService.SecretRefused or TranscoderGrpcService.CapacityRefused)
            {
                logger.LogCritical("{Orchestrator} refused this transcoder: {Error}", o.OrchestratorUrl, e.Status.Detail);
                lifetime.StopApplication();
                return;
            }
            catch (Exception e) when (e is RpcException or HttpRequestException or IOException)
            {
                logger.LogWarning("Lost {Orchestrator}: {Error}; trying again in {Backoff}", o.OrchestratorUrl, e.Message, backoff);
            }
            await Task.Delay(backoff, stoppingToken);
            backoff = TimeSpan.FromSeconds(Math.Min(30, backoff.TotalSeconds * 2));
        }
    }

    private static SocketsHttpHandler Handler() => new()
    {
        UseProxy = false,
        SslOptions = new SslClientAuthenticationOptions
        {
#pragma warning disable CA5359 // orchestrators' certificates are self-signed (go-livepeer's transcoder skips the check too)
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
        },
    };

    /// <summary>One task: fetch, transcode, post the renditions, or post why not.</summary>
    private async Task RunAsync(HttpClient http, NotifySegment notice, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("sg-transcoder-");
        try
        {
            var (profiles, problem) = SegmentProfiles.ToLadder(SegmentProfiles.Requested(notice.SegData));
            if (profiles is null)
            {
                await PostAsync(http, notice.TaskId, new StringContent(problem!), TranscoderEndpoints.ErrorContentType, 0, ct);
                return;
            }
            var source = Path.Combine(work.FullName, "source.ts");
            using (var fetch = new CancellationTokenSource(FetchTimeout))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, fetch.Token))
            {
                var bytes = await http.GetByteArrayAsync(notice.Url, linked.Token);
                if (bytes.Length > orchestrator.Value.MaxSegmentBytes)
                {
                    throw new InvalidDataException("the segment is larger than this transcoder takes");
                }
                await File.WriteAllBytesAsync(source, bytes, ct);
            }
            var outputs = profiles.Select((p, i) => (p, Path.Combine(work.FullName, $"{i}.ts"))).ToList();
            var duration = TimeSpan.FromMilliseconds(notice.SegData.Duration == 0 ? 2000 : notice.SegData.Duration);
            var renditions = await ladder.TranscodeAsync(source, outputs, TimeSpan.FromSeconds(Math.Max(30, 4 * duration.TotalSeconds)), ct);
            using var body = new MultipartContent("mixed");
            foreach (var r in renditions)
            {
                var part = new ByteArrayContent(await File.ReadAllBytesAsync(r.Path, ct));
                part.Headers.ContentType = new MediaTypeHeaderValue("video/mp2t");
                part.Headers.TryAddWithoutValidation("Pixels", r.Pixels.ToString(CultureInfo.InvariantCulture));
                body.Add(part);
            }
            var decoded = MpegTsVideo.Read(await File.ReadAllBytesAsync(source, ct)).Pixels;
            Interlocked.Increment(ref _completed); // counted before it is sent, so no one sees the result before the count
            await PostAsync(http, notice.TaskId, body, null, decoded, ct);
        }
        catch (Exception e) when (e is FfmpegException or InvalidDataException or HttpRequestException or TaskCanceledException or IOException
            && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Task {Task} failed: {Error}", notice.TaskId, e.Message);
            await PostAsync(http, notice.TaskId, new StringContent(e.Message), TranscoderEndpoints.ErrorContentType, 0, ct);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private async Task PostAsync(HttpClient http, long taskId, HttpContent body, string? contentType, long pixels, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(options.Value.OrchestratorUrl.TrimEnd('/') + "/"), "transcodeResults"))
        {
            Content = body,
        };
        if (contentType is not null)
        {
            body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        request.Headers.TryAddWithoutValidation("Authorization", TranscoderEndpoints.ProtocolVersion);
        request.Headers.TryAddWithoutValidation("Credentials", options.Value.Secret);
        request.Headers.TryAddWithoutValidation("TaskId", taskId.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Pixels", pixels.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("The orchestrator answered task {Task}'s result with {Status}", taskId, (int)response.StatusCode);
            }
        }
        catch (HttpRequestException e)
        {
            logger.LogWarning("Task {Task}'s result could not be posted: {Error}", taskId, e.Message);
        }
    }
}

/// <summary>The transcoder role's host: no endpoint of its own, one worker joined to one orchestrator.</summary>
public static class TranscoderHost
{
    public static IHost Build(string[] args, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [.. args.Where(a => a != "--transcoder")],
            ApplicationName = typeof(TranscoderHost).Assembly.GetName().Name,
        });
        configure?.Invoke(builder.Configuration);
        builder.Services.AddOrchestratorOptions();
        builder.Services.AddOptions<TranscoderOptions>().BindConfiguration(TranscoderOptions.Section).ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.OrchestratorUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http",
                "Transcoder:OrchestratorUrl must be an absolute https URI (http for an orchestrator in cleartext mode)")
            .ValidateOnStart();
        builder.Services.AddTranscoding();
        builder.Services.AddSingleton<TranscoderWorker>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<TranscoderWorker>());
        return builder.Build();
    }
}
