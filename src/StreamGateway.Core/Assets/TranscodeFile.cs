using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Storage;
using StreamGateway.Core.Streams;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Media.Hls;
using StreamGateway.Network.Transport;

namespace StreamGateway.Core.Assets;

/// <summary>
/// A <c>transcode-file</c> task (queue <c>vod</c>): fetch the file from its URL or the caller's bucket, send it through
/// the same pipeline as an asset (<see cref="VodPipeline"/>: probe, chunks, orchestrators, checks), and write the
/// outputs asked for into the caller's bucket with the caller's credentials: HLS (<c>{path}/index.m3u8</c>, each
/// rendition's <c>{path}/{rendition}/index.m3u8</c> and <c>{seq}.ts</c>), fragmented-MP4 HLS (the same layout with
/// <c>init.mp4</c> and <c>{n}.m4s</c>) and MP4 (<c>{path}/static{rendition}.mp4</c>). Nothing is kept in the gateway's
/// own store, and no asset is made. Any failure ends the task <c>failed</c> with a message that names the bucket or
/// the file; the credentials are cleared from the row when the task ends either way.
/// </summary>
public sealed class TranscodeFile(
    GatewayDbContext db,
    AssetStorage storage,
    VodPipeline pipeline,
    VodDownloads downloads,
    AssetEvents events,
    TaskCredentials credentials,
    IHttpClientFactory http,
    Usage.UsageRecorder usage,
    IConnectionMultiplexer redis,
    IServiceScopeFactory scopes,
    IOptions<AssetOptions> options,
    TimeProvider clock,
    ILogger<TranscodeFile> logger)
{
    public const string TaskType = "transcode-file";

    private const string InputRole = "input bucket";
    private const string OutputRole = "output bucket";

    /// <summary>What the task's params say (the stored, credential-free form).</summary>
    private sealed class StoredParams
    {
        public StoredInput? Input { get; set; }
        public TranscodeOutputs? Outputs { get; set; }
        public List<FfmpegProfile>? Profiles { get; set; }
        public double? TargetSegmentSizeSecs { get; set; }
    }

    private sealed class StoredInput
    {
        public string? Url { get; set; }
    }

    [Queue("vod")]
    [AutomaticRetry(Attempts = 0)] // failures end the task with a message; the watchdog runs a lost one again
    public async Task RunAsync(Guid taskId, CancellationToken ct)
    {
        var task = await db.Tasks.FirstOrDefaultAsync(t => t.Id == taskId && t.Type == TaskType, ct);
        if (task is null || !Open(task))
        {
            return;
        }
        await using var lease = await AssetLease.TryTakeTaskAsync(redis, scopes, taskId, TimeSpan.FromSeconds(Math.Max(3, options.Value.StuckSeconds / 2.0)),
            clock);
        if (lease is null)
        {
            logger.LogInformation("Transcode task {Task} is being run by another job; this one stops", taskId);
            return;
        }
        await db.Entry(task).ReloadAsync(ct);
        if (!Open(task))
        {
            return;
        }
        var buckets = task.SealedCredentials is { } sealedValue ? await credentials.OpenAsync<TranscodeBuckets>(task.Id, sealedValue) : null;
        var stored = JsonDocument.Parse(task.Params ?? "{}").RootElement.TryGetProperty(TaskType, out var p)
            ? p.Deserialize<StoredParams>(GatewayJson.Options)
            : null;
        if (buckets is null || stored?.Outputs is null)
        {
            await FailAsync(task, "the task's bucket credentials cannot be read; submit the transcode again", ct);
            return;
        }
        await UpdateAsync(task, "running", 0, ct);
        using var work = storage.NewRunDir(task.Id, "transcode");
        try
        {
            await TranscodeAsync(task, stored, buckets, work.Path, ct);
        }
        catch (AssetFailedException e)
        {
            logger.LogWarning("Transcode task {Task} failed: {Error}", taskId, e.Message);
            await FailAsync(task, e.Message, ct);
        }
        catch (Exception e) when (e is FfmpegException or IOException or InvalidDataException or JsonException)
        {
            logger.LogWarning(e, "Transcode task {Task} failed", taskId);
            await FailAsync(task, $"transcoding failed: {e.Message}", ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Transcode task {Task} failed unexpectedly", taskId);
            await FailAsync(task, "transcoding failed because of an internal error; submit the transcode again", CancellationToken.None);
        }
    }

    private static bool Open(AssetTask task) => task.Phase is "pending" or "running";

    private async Task TranscodeAsync(AssetTask task, StoredParams stored, TranscodeBuckets buckets, string work, CancellationToken ct)
    {
        var o = options.Value;
        var outputs = stored.Outputs!;
        using var bucket = Open(buckets.Storage);
        // A bucket that is missing, out of reach or refuses the credentials fails the task before any work is done.
        await AtBucketAsync(OutputRole, buckets.Storage, () => CheckAsync(bucket, outputs, ct));
        var source = Path.Combine(work, "source");
        if (buckets.Input is { } input)
        {
            using var inputBucket = Open(input);
            await AtBucketAsync(InputRole, input, () => DownloadAsync(inputBucket, input, buckets.InputPath!, source, ct));
        }
        else
        {
            await ImportAsset.FetchAsync(http.CreateClient(ImportAsset.HttpClientName), new Uri(stored.Input?.Url ?? throw new AssetFailedException("the task names no input file")), source, o, ct);
        }
        if (new FileInfo(source).Length == 0)
        {
            throw new AssetFailedException("the input file is empty");
        }

        var (probe, format) = await pipeline.ProbeAsync(source, knownFormat: null, limitDuration: true, ct);
        var ladder = pipeline.Ladder(stored.Profiles is null ? null : JsonSerializer.Serialize(stored.Profiles, GatewayJson.Options), probe);
        var segmentSeconds = stored.TargetSegmentSizeSecs ?? o.SegmentSeconds;
        var chunks = await pipeline.ChunkAsync(source, format, work, probe, ct, segmentSeconds);
        var renditions = Path.Combine(work, "renditions");
        string Local(string rendition, long seq) => Path.Combine(renditions, rendition, $"{seq}.ts");
        var results = await pipeline.TranscodeAllAsync(new VodWork(task.Id, $"task-{task.Id:N}", Usage.UsageSubject.ForTask(task.ProjectId, task.Id)),
            chunks, ladder, [], (seq, rendition, path) =>
            {
                var kept = Local(rendition.Name, seq);
                Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
                File.Move(path, kept, overwrite: true);
                return Task.CompletedTask;
            }, (_, _, share) => ProgressAsync(task.Id, Math.Round(0.8 * share, 3)), ct);
        await usage.AddAsync(Usage.UsageSubject.ForTask(task.ProjectId, task.Id), clock.GetUtcNow(), sourceSeconds: probe.Duration ?? 0);

        var ordered = results.OrderBy(r => r.Key).ToList();
        var seqs = ordered.Select(r => r.Key).ToList();
        var made = new Dictionary<string, object>();
        await AtBucketAsync(OutputRole, buckets.Storage, async () =>
        {
            // HLS goes last: storing a file hands it over, and the other outputs are made from the same renditions.
            if (outputs.Fmp4?.Path is { } fmp4)
            {
                var variants = new List<HlsVariant>();
                foreach (var rendition in ladder)
                {
                    var dir = Path.Combine(work, "fmp4", rendition.Name);
                    Directory.CreateDirectory(dir);
                    var list = Path.Combine(work, "fmp4", $"{rendition.Name}.txt");
                    await File.WriteAllTextAsync(list, VodDownloads.ConcatList(seqs.Select(s => Local(rendition.Name, s))), ct);
                    await FfmpegProcess.RunAsync(o.FfmpegPath, FfmpegArguments.JoinToFmp4Hls(list, dir, segmentSeconds), TimeSpan.FromMinutes(10), ct);
                    foreach (var file in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
                    {
                        await bucket.PutFileAsync($"{fmp4}/{rendition.Name}/{Path.GetFileName(file)}", file, ct);
                    }
                    variants.Add(VodPipeline.Variant(rendition, ordered, $"{rendition.Name}/index.m3u8"));
                }
                await PutTextAsync(bucket, $"{fmp4}/index.m3u8", HlsPlaylist.Master(variants), work, ct);
                made["fmp4"] = new { path = $"/{fmp4}/index.m3u8" };
            }
            await ProgressAsync(task.Id, 0.85);
            if (outputs.Mp4?.Path is { } mp4)
            {
                var files = new List<object>();
                foreach (var rendition in ladder.OrderByDescending(r => r.BitrateBps))
                {
                    var dir = Path.Combine(work, "mp4", rendition.Name);
                    Directory.CreateDirectory(dir);
                    var (download, path) = await downloads.JoinToMp4Async(rendition, [.. seqs.Select(s => Local(rendition.Name, s))], dir, ct);
                    await bucket.PutFileAsync($"{mp4}/{download.Name}", path, ct);
                    files.Add(new { path = $"/{mp4}/{download.Name}", width = download.Width, height = download.Height, bitrate = download.Bitrate, size = download.Size });
                }
                made["mp4"] = files;
            }
            await ProgressAsync(task.Id, 0.9);
            if (outputs.Hls?.Path is { } hls)
            {
                foreach (var rendition in ladder)
                {
                    foreach (var seq in seqs)
                    {
                        await bucket.PutFileAsync($"{hls}/{rendition.Name}/{seq}.ts", Local(rendition.Name, seq), ct);
                    }
                }
                await VodPipeline.WritePlaylistsAsync(ladder, results, (rendition, text) =>
                    PutTextAsync(bucket, rendition is null ? $"{hls}/index.m3u8" : $"{hls}/{rendition}/index.m3u8", text, work, ct));
                made["hls"] = new { path = $"/{hls}/index.m3u8" };
            }
            return true;
        });
        made["baseUrl"] = $"{buckets.Storage.Endpoint}/{buckets.Storage.Bucket}";
        await CompleteAsync(task, made, ct);
        logger.LogInformation("Transcode task {Task} wrote {Outputs} of {Chunks} chunks and {Renditions} renditions into its bucket", task.Id,
            string.Join(", ", made.Keys.Where(k => k != "baseUrl")), results.Count, ladder.Count);
    }

    /// <summary>A caller's bucket, reached only through <see cref="AddressGuard"/> (private addresses when <see cref="AssetOptions.AllowPrivateUrls"/>).</summary>
    private S3SegmentStore Open(BucketAccess bucket) => new(new S3StorageOptions
    {
        ServiceUrl = bucket.Endpoint,
        Bucket = bucket.Bucket,
        AccessKey = bucket.AccessKeyId,
        SecretKey = bucket.SecretAccessKey,
        ForcePathStyle = true,
        MaxOpenWriters = 4,
    }, new GuardedS3Http(options.Value.AllowPrivateUrls));

    private static async Task<bool> CheckAsync(S3SegmentStore bucket, TranscodeOutputs outputs, CancellationToken ct)
    {
        try
        {
            await bucket.ListOneAsync((outputs.Hls ?? outputs.Fmp4 ?? outputs.Mp4)!.Path!, ct);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "AccessDenied")
        {
            // Credentials that may write but not list: the writes will tell.
        }
        return true;
    }

    /// <summary>
    /// The input object into <paramref name="file"/>, within <see cref="AssetOptions.MaxUploadBytes"/> and
    /// <see cref="AssetOptions.ImportTimeoutSeconds"/>, as a URL import.
    /// </summary>
    private async Task<bool> DownloadAsync(S3SegmentStore bucket, BucketAccess input, string key, string file, CancellationToken ct)
    {
        var o = options.Value;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(o.ImportTimeoutSeconds));
        try
        {
            await using var body = await bucket.OpenReadAsync(key, limit.Token)
                                   ?? throw new AssetFailedException($"the input file '{key}' was not found in the {InputRole} '{input.Bucket}'");
            await ImportAsset.CopyWithinAsync(body, file, o.MaxUploadBytes, $"the input file '{key}' is larger than the {o.MaxUploadBytes} byte limit",
                limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new AssetFailedException($"fetching the input file '{key}' took longer than {o.ImportTimeoutSeconds} s");
        }
        return true;
    }

    private static async Task PutTextAsync(S3SegmentStore bucket, string key, string text, string work, CancellationToken ct)
    {
        var file = Path.Combine(work, $"text-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, text, ct);
        await bucket.PutFileAsync(key, file, ct);
    }

    /// <summary>Runs a step against a caller's bucket; whatever the bucket or the way to it says becomes a message that names it.</summary>
    private static async Task<T> AtBucketAsync<T>(string role, BucketAccess bucket, Func<Task<T>> step)
    {
        try
        {
            return await step();
        }
        catch (AmazonS3Exception e)
        {
            throw new AssetFailedException(BucketRefusal(role, bucket, e));
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or TaskCanceledException
                                      { CancellationToken.IsCancellationRequested: false })
        {
            throw new AssetFailedException(Unreachable(role, bucket, e));
        }
    }

    /// <summary>What the bucket's service answered, in words; the service's own message is kept, credentials never were in it.</summary>
    internal static string BucketRefusal(string role, BucketAccess bucket, AmazonS3Exception e)
    {
        var host = new Uri(bucket.Endpoint).Authority;
        return e.ErrorCode switch
        {
            "NoSuchBucket" => $"the {role} '{bucket.Bucket}' does not exist at {host}",
            "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied" or "InvalidToken" or "ExpiredToken" =>
                $"the {role} '{bucket.Bucket}' at {host} refused the credentials ({e.ErrorCode}: {e.Message})",
            _ when e.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.Unauthorized =>
                $"the {role} '{bucket.Bucket}' at {host} refused the credentials ({(int)e.StatusCode} {e.ErrorCode})",
            _ => string.Create(CultureInfo.InvariantCulture,
                $"the {role} '{bucket.Bucket}' at {host} answered {(int)e.StatusCode} {e.ErrorCode}: {e.Message}"),
        };
    }

    private static string Unreachable(string role, BucketAccess bucket, Exception e)
    {
        var host = new Uri(bucket.Endpoint).Authority;
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is AddressRefusedException refused)
            {
                return $"the {role}'s endpoint {host} cannot be used: {refused.Message}";
            }
        }
        var innermost = e;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }
        return $"the {role}'s endpoint {host} cannot be reached ({innermost.Message})";
    }

    private async Task ProgressAsync(Guid taskId, double progress)
    {
        var now = clock.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().Tasks.Where(t => t.Id == taskId && t.Phase == "running")
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Progress, progress).SetProperty(t => t.UpdatedAt, now));
    }

    private async Task UpdateAsync(AssetTask task, string phase, double progress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        task.Phase = phase;
        task.Progress = progress;
        task.UpdatedAt = now;
        var row = events.Task(db, "task.updated", task, now);
        await db.SaveChangesAsync(ct);
        events.Publish([row]);
    }

    private async Task CompleteAsync(AssetTask task, Dictionary<string, object> made, CancellationToken ct)
    {
        await db.Entry(task).ReloadAsync(ct);
        var now = clock.GetUtcNow();
        task.Phase = "completed";
        task.Progress = 1;
        task.ErrorMessage = null;
        task.SealedCredentials = null;
        task.UpdatedAt = now;
        task.Output = JsonSerializer.Serialize(new Dictionary<string, object> { [TaskType] = made }, GatewayJson.Options);
        var row = events.Task(db, "task.completed", task, now);
        await db.SaveChangesAsync(ct);
        events.Publish([row]);
    }

    private async Task FailAsync(AssetTask task, string message, CancellationToken ct)
    {
        await db.Entry(task).ReloadAsync(ct);
        if (!Open(task))
        {
            return;
        }
        await Fail(db, events, task, message, clock.GetUtcNow(), ct);
    }

    /// <summary>Ends the task failed with <paramref name="message"/> and <c>task.failed</c>, and forgets its credentials.</summary>
    internal static async Task Fail(GatewayDbContext db, AssetEvents events, AssetTask task, string message, DateTimeOffset now, CancellationToken ct)
    {
        task.Phase = "failed";
        task.ErrorMessage = message;
        task.Progress = null;
        task.SealedCredentials = null;
        task.UpdatedAt = now;
        var row = events.Task(db, "task.failed", task, now);
        await db.SaveChangesAsync(ct);
        events.Publish([row]);
    }
}
