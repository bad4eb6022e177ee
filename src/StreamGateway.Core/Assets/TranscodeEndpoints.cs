using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Streams;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Core.Assets;

/// <summary>TranscodePayload (studio-api §2.9): a file by URL or from a bucket, transcoded into the caller's bucket.</summary>
public sealed class TranscodePayload
{
    public TranscodeInput? Input { get; set; }
    public TranscodeStorage? Storage { get; set; }
    public TranscodeOutputs? Outputs { get; set; }
    public List<FfmpegProfile>? Profiles { get; set; }
    public double? TargetSegmentSizeSecs { get; set; }
    public JsonElement? CreatorId { get; set; }
    public JsonElement? C2pa { get; set; }
}

/// <summary>Either <c>{url}</c> or <c>{type:"s3", endpoint, bucket, path, credentials}</c>.</summary>
public sealed class TranscodeInput
{
    public string? Url { get; set; }
    public string? Type { get; set; }
    public string? Endpoint { get; set; }
    public string? Bucket { get; set; }
    public string? Path { get; set; }
    public S3Credentials? Credentials { get; set; }
}

/// <summary><c>{type:"s3", endpoint, bucket, credentials}</c> (<c>web3.storage</c> is refused).</summary>
public sealed class TranscodeStorage
{
    public string? Type { get; set; }
    public string? Endpoint { get; set; }
    public string? Bucket { get; set; }
    public JsonElement? Credentials { get; set; }
}

public sealed class S3Credentials
{
    public string? AccessKeyId { get; set; }
    public string? SecretAccessKey { get; set; }
}

public sealed class TranscodeOutputs
{
    public OutputPath? Hls { get; set; }
    public OutputPath? Mp4 { get; set; }
    public OutputPath? Fmp4 { get; set; }
}

public sealed class OutputPath
{
    public string? Path { get; set; }
}

/// <summary>A bucket a transcode task reads or writes, with its credentials: what <see cref="TaskCredentials"/> seals.</summary>
public sealed record BucketAccess(string Endpoint, string Bucket, string AccessKeyId, string SecretAccessKey);

/// <summary>The sealed part of a transcode task: its input bucket and file (when the file comes from one) and its output bucket.</summary>
public sealed record TranscodeBuckets(BucketAccess? Input, string? InputPath, BucketAccess Storage);

/// <summary>
/// <c>POST /api/transcode</c>: checks the payload, stores a <c>transcode-file</c> task whose params hold no
/// credentials (those are sealed in the row, <see cref="TaskCredentials"/>), and queues <see cref="TranscodeFile"/>.
/// </summary>
public static partial class TranscodeEndpoints
{
    private const int MaxUrlLength = 2048;
    private const int MaxPathLength = 1024;
    private const int MaxCredentialLength = 256;

    public static RouteGroupBuilder MapTranscode(this RouteGroupBuilder api)
    {
        api.MapPost("/transcode", CreateAsync).WithTags("Transcode").WithName("transcodeVideo")
            .WithSummary("Transcode a file into your own S3-compatible bucket (a transcode-file task)")
            .Accepts<TranscodePayload>("application/json").Produces<TaskResource>()
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest).Produces<ErrorBody>(StatusCodes.Status422UnprocessableEntity)
            .Produces<ErrorBody>(StatusCodes.Status429TooManyRequests);
        return api;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, GatewayDbContext db, AssetEvents events, TaskCredentials credentials,
        IBackgroundJobClient jobs, IOptions<AssetOptions> options, IOptions<MediaLimitsOptions> limits, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<TranscodePayload>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var payload = body.Value!;
        var errors = new List<string>();
        var (inputUrl, inputBucket) = CheckInput(payload.Input, errors);
        var storage = CheckStorage(payload.Storage, errors);
        var outputs = CheckOutputs(payload.Outputs, errors);
        if (payload.Profiles is { Count: 0 })
        {
            errors.Add("profiles: must not be empty; leave it out for the default ladder");
        }
        StreamRules.CheckTranscodeProfiles(payload.Profiles ?? [], "profiles", limits.Value, errors);
        var o = options.Value;
        if (payload.TargetSegmentSizeSecs is { } target && (double.IsNaN(target) || target < 1 || target > o.MaxChunkSeconds))
        {
            errors.Add($"targetSegmentSizeSecs: must be between 1 and {o.MaxChunkSeconds}");
        }
        System.Text.Json.Nodes.JsonObject? creator = null;
        if (payload.CreatorId is { ValueKind: not JsonValueKind.Null } c)
        {
            creator = StreamRules.NormaliseCreatorId(c, errors);
        }
        if (errors.Count > 0)
        {
            return ApiError.Unprocessable(errors);
        }

        var caller = Caller.From(http);
        var active = await db.Tasks.CountAsync(t => t.ProjectId == caller.ProjectId && t.Type == TranscodeFile.TaskType &&
                                                    (t.Phase == "pending" || t.Phase == "running"), ct);
        if (active >= o.MaxActiveTranscodesPerProject)
        {
            return ApiError.TooManyRequests(
                $"this project already has {active} transcode tasks pending or running (at most {o.MaxActiveTranscodesPerProject}); wait for one to end");
        }

        var now = clock.GetUtcNow();
        var task = new AssetTask
        {
            Id = Guid.CreateVersion7(),
            ProjectId = caller.ProjectId,
            UserId = caller.UserId,
            Type = TranscodeFile.TaskType,
            // Studio's shape: the input and the storage as URLs, with no credentials in them.
            Params = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                [TranscodeFile.TaskType] = new
                {
                    input = new { url = inputUrl ?? BucketUrl(inputBucket!, payload.Input!.Path!) },
                    storage = new { url = BucketUrl(storage!, null) },
                    outputs,
                    profiles = payload.Profiles,
                    targetSegmentSizeSecs = payload.TargetSegmentSizeSecs,
                    creatorId = creator,
                },
            }, GatewayJson.Options),
            Phase = "pending",
            UpdatedAt = now,
            CreatedAt = now,
        };
        task.SealedCredentials = await credentials.SealAsync(task.Id, new TranscodeBuckets(inputBucket, inputBucket is null ? null : payload.Input!.Path, storage!));
        db.Tasks.Add(task);
        var spawned = events.Task(db, "task.spawned", task, now);
        await db.SaveChangesAsync(ct);
        events.Publish([spawned]);
        var id = task.Id;
        jobs.Enqueue<TranscodeFile>(job => job.RunAsync(id, CancellationToken.None));
        return TypedResults.Ok(TaskResource.From(task));
    }

    /// <summary><c>s3+{endpoint}/{bucket}[/{path}]</c>: where a bucket's files are, as the task's params show it.</summary>
    internal static string BucketUrl(BucketAccess bucket, string? path) =>
        $"s3+{bucket.Endpoint}/{bucket.Bucket}" + (path is null ? "" : "/" + path);

    private static (string? Url, BucketAccess? Bucket) CheckInput(TranscodeInput? input, List<string> errors)
    {
        if (input is null)
        {
            errors.Add("input: required, either {url} or {type: \"s3\", endpoint, bucket, path, credentials}");
            return (null, null);
        }
        if (input.Url is not null)
        {
            if (input.Type is not null || input.Endpoint is not null || input.Bucket is not null || input.Path is not null || input.Credentials is not null)
            {
                errors.Add("input: give either url or an s3 location, not both");
            }
            else if (input.Url.Length > MaxUrlLength || !Uri.TryCreate(input.Url, UriKind.Absolute, out var url) ||
                     (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"input.url: must be an absolute http or https URL of at most {MaxUrlLength} characters");
            }
            else
            {
                return (url.AbsoluteUri, null);
            }
            return (null, null);
        }
        if (input.Type != "s3")
        {
            errors.Add("input.type: must be \"s3\" when no url is given");
            return (null, null);
        }
        var path = CheckPath(input.Path, "input.path", errors);
        if (path is not null)
        {
            input.Path = path;
        }
        var bucket = CheckBucket(input.Endpoint, input.Bucket, input.Credentials, "input", errors);
        return (null, path is null ? null : bucket);
    }

    private static BucketAccess? CheckStorage(TranscodeStorage? storage, List<string> errors)
    {
        if (storage is null)
        {
            errors.Add("storage: required, {type: \"s3\", endpoint, bucket, credentials}");
            return null;
        }
        if (storage.Type == "web3.storage")
        {
            errors.Add("storage.type: web3.storage is not supported here; use an S3-compatible bucket (type \"s3\")");
            return null;
        }
        if (storage.Type != "s3")
        {
            errors.Add("storage.type: must be \"s3\"");
            return null;
        }
        S3Credentials? keys = null;
        if (storage.Credentials is { ValueKind: JsonValueKind.Object } c)
        {
            keys = c.Deserialize<S3Credentials>(GatewayJson.Options);
        }
        return CheckBucket(storage.Endpoint, storage.Bucket, keys, "storage", errors);
    }

    private static BucketAccess? CheckBucket(string? endpoint, string? bucket, S3Credentials? credentials, string at, List<string> errors)
    {
        var before = errors.Count;
        if (endpoint is null || endpoint.Length > MaxUrlLength || !Uri.TryCreate(endpoint, UriKind.Absolute, out var url) ||
            (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.UserInfo.Length > 0 || url.Query.Length > 0 ||
            url.Fragment.Length > 0 || url.AbsolutePath != "/")
        {
            errors.Add($"{at}.endpoint: must be the http or https URL of an S3-compatible service, without a path, query or credentials");
        }
        if (bucket is null || !BucketName().IsMatch(bucket))
        {
            errors.Add($"{at}.bucket: must be a bucket name (3 to 63 letters, digits, dots, dashes or underscores)");
        }
        if (credentials?.AccessKeyId is not { Length: > 0 and <= MaxCredentialLength } ||
            credentials.SecretAccessKey is not { Length: > 0 and <= MaxCredentialLength })
        {
            errors.Add($"{at}.credentials: accessKeyId and secretAccessKey are required (at most {MaxCredentialLength} characters each)");
        }
        return errors.Count > before
            ? null
            : new BucketAccess(endpoint!.TrimEnd('/'), bucket!, credentials!.AccessKeyId!, credentials.SecretAccessKey!);
    }

    /// <summary>The outputs with their paths made plain (no leading or trailing slash); at least one is required.</summary>
    private static TranscodeOutputs? CheckOutputs(TranscodeOutputs? outputs, List<string> errors)
    {
        if (outputs is null || (outputs.Hls is null && outputs.Mp4 is null && outputs.Fmp4 is null))
        {
            errors.Add("outputs: at least one of hls, mp4 or fmp4 is required, each with a path in the bucket");
            return null;
        }
        foreach (var (name, output) in new[] { ("hls", outputs.Hls), ("mp4", outputs.Mp4), ("fmp4", outputs.Fmp4) })
        {
            if (output is not null && CheckPath(output.Path, $"outputs.{name}.path", errors) is { } path)
            {
                output.Path = path;
            }
        }
        return outputs;
    }

    /// <summary>
    /// A key prefix in a bucket, without its outer slashes; null (with the error) when it is empty, too long, holds
    /// control characters or has a <c>.</c> or <c>..</c> segment.
    /// </summary>
    private static string? CheckPath(string? path, string at, List<string> errors)
    {
        var plain = path?.Trim('/');
        if (string.IsNullOrEmpty(plain) || plain.Length > MaxPathLength || plain.Any(char.IsControl) ||
            plain.Split('/').Any(s => s is "" or "." or ".."))
        {
            errors.Add($"{at}: must be a path in the bucket (at most {MaxPathLength} characters, no empty, '.' or '..' segments)");
            return null;
        }
        return plain;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{1,61}[A-Za-z0-9]$")]
    private static partial Regex BucketName();
}
