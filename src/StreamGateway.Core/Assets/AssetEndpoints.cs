using System.Text.Json;
using System.Text.Json.Serialization;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Playback;
using StreamGateway.Core.Storage;
using StreamGateway.Core.Streams;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Core.Assets;

/// <summary>NewAssetPayload (studio-api §3.6): what <c>POST /asset/request-upload</c> takes.</summary>
public class NewAssetPayload
{
    public string? Name { get; set; }
    public bool? StaticMp4 { get; set; }
    public PlaybackPolicy? PlaybackPolicy { get; set; }
    public JsonElement? CreatorId { get; set; }
    public List<FfmpegProfile>? Profiles { get; set; }
    public JsonElement? Storage { get; set; }
    public JsonElement? Encryption { get; set; }
    public JsonElement? C2pa { get; set; }
    public double? TargetSegmentSizeSecs { get; set; }
}

/// <summary>NewAssetFromUrlPayload: <c>POST /asset/upload/url</c>, the same fields and the file's URL.</summary>
public sealed class NewAssetFromUrlPayload : NewAssetPayload
{
    public string? Url { get; set; }
}

public sealed record NewAssetFromUrlResponse(AssetResource Asset, TaskRef Task);

/// <summary>AssetPatchPayload: <c>PATCH /asset/{id}</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class AssetPatchPayload
{
    public string? Name { get; set; }
    public JsonElement? CreatorId { get; set; }
    public PlaybackPolicy? PlaybackPolicy { get; set; }
    public JsonElement? Storage { get; set; }
}

public sealed record RequestUploadResponse(string Url, string TusEndpoint, AssetResource Asset, TaskRef Task);

public sealed record TaskRef(string Id);

/// <summary>Assets and tasks (studio-api §2.2, §2.6) and the direct upload URL.</summary>
public static class AssetEndpoints
{
    public static RouteGroupBuilder MapAssets(this RouteGroupBuilder api)
    {
        var assets = api.MapGroup("/asset").WithTags("Asset");
        assets.MapPost("/request-upload", RequestUploadAsync).WithName("requestUpload")
            .Accepts<NewAssetPayload>("application/json").Produces<RequestUploadResponse>().Produces<ErrorBody>(StatusCodes.Status403Forbidden);
        assets.MapPost("/upload/url", UploadFromUrlAsync).WithName("uploadAsset")
            .Accepts<NewAssetFromUrlPayload>("application/json").Produces<NewAssetFromUrlResponse>(StatusCodes.Status201Created)
            .Produces<NewAssetFromUrlResponse>().Produces<ErrorBody>(StatusCodes.Status422UnprocessableEntity);
        assets.MapGet("/", ListAsync).WithName("getAssets").Produces<AssetResource[]>();
        assets.MapGet("/{id}", GetAsync).WithName("getAsset").Produces<AssetResource>().Produces<ErrorBody>(StatusCodes.Status404NotFound);
        assets.MapPatch("/{id}", PatchAsync).WithName("updateAsset").Accepts<AssetPatchPayload>("application/json")
            .Produces<AssetResource>().Produces<ErrorBody>(StatusCodes.Status404NotFound).Produces<ErrorBody>(StatusCodes.Status422UnprocessableEntity);
        assets.MapDelete("/{id}", DeleteAsync).WithName("deleteAsset").Produces(StatusCodes.Status204NoContent)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);

        var tasks = api.MapGroup("/task").WithTags("Task");
        tasks.MapGet("/", ListTasksAsync).WithName("getTasks").Produces<TaskResource[]>();
        tasks.MapGet("/{id}", GetTaskAsync).WithName("getTask").Produces<TaskResource>().Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>The upload URL itself: authorised by its signed token, not by an API key.</summary>
    public static WebApplication MapAssetUploads(this WebApplication app)
    {
        app.MapPut("/api/asset/upload/direct", (HttpContext http, DirectUpload upload, CancellationToken ct) => upload.HandleAsync(http, ct))
            .WithTags("Asset").WithName("uploadDirect").WithSummary("Upload an asset's file as the request body (the url from request-upload)")
            .Produces(StatusCodes.Status200OK).Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorBody>(StatusCodes.Status403Forbidden).Produces<ErrorBody>(StatusCodes.Status409Conflict)
            .Produces<ErrorBody>(StatusCodes.Status413PayloadTooLarge).Produces<ErrorBody>(StatusCodes.Status507InsufficientStorage);
        TusUploads.MapTus(app);
        return app;
    }

    private static async Task<IResult> RequestUploadAsync(HttpContext http, GatewayDbContext db, UploadTokens tokens, AssetEvents events,
        UploadLimits limits, IOptions<GatewayUrlOptions> urls, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<NewAssetPayload>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        if (Check(http, body.Value!, out var creator) is { } invalid)
        {
            return invalid;
        }
        if ((await limits.BudgetAsync(Caller.From(http).ProjectId, Guid.Empty, ct)).CheckRoomLeft() is { } full)
        {
            return full.ToResult();
        }
        var baseUrl = urls.Value.BaseFor(http.Request);
        var (asset, task) = await CreateAsync(http, db, events, clock, body.Value!, creator, baseUrl, "directUpload", null, ct);
        var token = Uri.EscapeDataString(await tokens.IssueAsync(asset.Id));
        return TypedResults.Ok(new RequestUploadResponse(
            $"{baseUrl}/api/asset/upload/direct?token={token}",
            $"{baseUrl}/api/asset/upload/tus?token={token}",
            AssetResource.From(asset, baseUrl),
            new TaskRef(task.Id.ToString())));
    }

    /// <summary>Imports a file from an http(s) URL; the same URL again in the same project answers the existing asset (200).</summary>
    private static async Task<IResult> UploadFromUrlAsync(HttpContext http, GatewayDbContext db, AssetEvents events, IBackgroundJobClient jobs,
        IOptions<GatewayUrlOptions> urls, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<NewAssetFromUrlPayload>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var payload = body.Value!;
        if (!Uri.TryCreate(payload.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return ApiError.Unprocessable(["url: must be an absolute http or https URL"]);
        }
        if (Check(http, payload, out var creator) is { } invalid)
        {
            return invalid;
        }
        var caller = Caller.From(http);
        var baseUrl = urls.Value.BaseFor(http.Request);
        var existing = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.ProjectId == caller.ProjectId && a.SourceUrl == url.AbsoluteUri &&
            a.DeletedAt == null && a.Phase != AssetPhase.Failed, ct);
        if (existing is not null)
        {
            var existingTask = await db.Tasks.AsNoTracking().Where(t => t.OutputAssetId == existing.Id).OrderBy(t => t.CreatedAt).FirstAsync(ct);
            return TypedResults.Ok(new NewAssetFromUrlResponse(AssetResource.From(existing, baseUrl), new TaskRef(existingTask.Id.ToString())));
        }
        var (asset, task) = await CreateAsync(http, db, events, clock, payload, creator, baseUrl, "url", url.AbsoluteUri, ct);
        jobs.Enqueue<ImportAsset>(job => job.RunAsync(asset.Id, CancellationToken.None));
        return TypedResults.Json(new NewAssetFromUrlResponse(AssetResource.From(asset, baseUrl), new TaskRef(task.Id.ToString())),
            GatewayJson.Options, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The checks both ways of creating an asset share; null when the payload is good.</summary>
    /// <param name="creator">The payload's creatorId in its stored form.</param>
    private static IResult? Check(HttpContext http, NewAssetPayload payload, out System.Text.Json.Nodes.JsonObject? creator)
    {
        creator = null;
        var errors = new List<string>();
        StreamRules.CheckName(payload.Name, required: true, errors);
        if (payload.Profiles is { Count: 0 })
        {
            return ApiError.BadRequest("profiles: must not be empty; leave it out for the default ladder");
        }
        StreamRules.CheckTranscodeProfiles(payload.Profiles ?? [], "profiles",
            http.RequestServices.GetRequiredService<IOptions<MediaLimitsOptions>>().Value, errors);
        if (payload.PlaybackPolicy is { } policy)
        {
            StreamRules.CheckPlaybackPolicy(policy, errors);
        }
        if (payload.CreatorId is { ValueKind: not JsonValueKind.Null } c)
        {
            creator = StreamRules.NormaliseCreatorId(c, errors);
        }
        return errors.Count > 0 ? ApiError.Unprocessable(errors) : null;
    }

    /// <summary>A new asset with its upload task, and their created/spawned events.</summary>
    /// <param name="adjust">Changes to the new rows before they are stored (a clip's source and task).</param>
    internal static async Task<(Asset Asset, AssetTask Task)> CreateAsync(HttpContext http, GatewayDbContext db, AssetEvents events, TimeProvider clock,
        NewAssetPayload payload, System.Text.Json.Nodes.JsonObject? creator, string baseUrl, string sourceType, string? sourceUrl, CancellationToken ct,
        Action<Asset, AssetTask>? adjust = null)
    {
        var caller = Caller.From(http);
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        var asset = new Asset
        {
            Id = id,
            ProjectId = caller.ProjectId,
            UserId = caller.UserId,
            Name = payload.Name!.Trim(),
            PlaybackId = SecretKeys.NewPlaybackId(id),
            Phase = sourceUrl is null ? AssetPhase.Uploading : AssetPhase.Waiting,
            UpdatedAt = now,
            SourceType = sourceType,
            SourceUrl = sourceUrl,
            Profiles = payload.Profiles is null ? null : JsonSerializer.Serialize(payload.Profiles, GatewayJson.Options),
            StaticMp4 = payload.StaticMp4 == true,
            PlaybackPolicy = payload.PlaybackPolicy is null ? null : JsonSerializer.Serialize(payload.PlaybackPolicy, GatewayJson.Options),
            CreatorId = creator?.ToJsonString(),
            CreatedByTokenName = caller.TokenName,
            PublicBase = baseUrl,
            CreatedAt = now,
        };
        var task = new AssetTask
        {
            Id = Guid.CreateVersion7(),
            ProjectId = caller.ProjectId,
            UserId = caller.UserId,
            Type = "upload",
            OutputAssetId = id,
            Params = JsonSerializer.Serialize(new { upload = new { url = sourceUrl, profiles = payload.Profiles, targetSegmentSizeSecs = payload.TargetSegmentSizeSecs } },
                GatewayJson.Options),
            Phase = sourceUrl is null ? "pending" : "waiting",
            UpdatedAt = now,
            CreatedAt = now,
        };
        adjust?.Invoke(asset, task);
        db.Assets.Add(asset);
        db.Tasks.Add(task);
        var rows = new List<WebhookEvent> { events.Asset(db, "asset.created", asset, now), events.Task(db, "task.spawned", task, now) };
        await db.SaveChangesAsync(ct);
        events.Publish(rows);
        return (asset, task);
    }

    private static async Task<IResult> ListAsync(HttpContext http, GatewayDbContext db, IOptions<GatewayUrlOptions> urls, CancellationToken ct)
    {
        if (!PageRequest.TryParse(http.Request, out var page, out var error))
        {
            return error!;
        }
        var caller = Caller.From(http);
        var query = db.Assets.AsNoTracking().Where(a => a.ProjectId == caller.ProjectId && a.DeletedAt == null);
        if (http.Request.Query["playbackId"].ToString() is { Length: > 0 } playbackId)
        {
            query = query.Where(a => a.PlaybackId == playbackId);
        }
        if (http.Request.Query["phase"].ToString() is { Length: > 0 } phase)
        {
            query = query.Where(a => a.Phase == phase);
        }
        var details = http.Request.Query["details"].ToString() is "1" or "true";
        var rows = await query.PageAsync(page, http, ct);
        var baseUrl = urls.Value.BaseFor(http.Request);
        return TypedResults.Ok(rows.Select(a => AssetResource.From(a, baseUrl, details)).ToArray());
    }

    internal static Task<Asset?> FindAsync(GatewayDbContext db, Caller caller, string id, CancellationToken ct, bool track = true)
    {
        if (!Guid.TryParse(id, out var assetId))
        {
            return Task.FromResult<Asset?>(null);
        }
        var query = track ? db.Assets : db.Assets.AsNoTracking();
        return query.FirstOrDefaultAsync(a => a.Id == assetId && a.ProjectId == caller.ProjectId && a.DeletedAt == null, ct);
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, GatewayDbContext db, IOptions<GatewayUrlOptions> urls,
        CancellationToken ct) =>
        await FindAsync(db, Caller.From(http), id, ct, track: false) is { } asset
            ? TypedResults.Ok(AssetResource.From(asset, urls.Value.BaseFor(http.Request), http.Request.Query["details"].ToString() is "1" or "true"))
            : ApiError.NotFound("Asset not found");

    private static async Task<IResult> PatchAsync(string id, HttpContext http, GatewayDbContext db, AssetEvents events,
        IOptions<GatewayUrlOptions> urls, TimeProvider clock, CancellationToken ct)
    {
        var asset = await FindAsync(db, Caller.From(http), id, ct);
        if (asset is null)
        {
            return ApiError.NotFound("Asset not found");
        }
        var body = await JsonBody.ReadAsync<AssetPatchPayload>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var patch = body.Value!;
        if (asset.Phase != AssetPhase.Ready)
        {
            return ApiError.Unprocessable([$"asset is not ready (it is {asset.Phase}); it can be changed once it is ready"]);
        }
        var errors = new List<string>();
        if (patch.Name is not null)
        {
            StreamRules.CheckName(patch.Name, required: true, errors);
        }
        if (patch.PlaybackPolicy is { } policy)
        {
            StreamRules.CheckPlaybackPolicy(policy, errors);
            // Public files may already sit in shared caches (they are served as public and immutable), so gating them
            // later would not gate them; as on Studio, the choice is made when the asset is created.
            var wasGated = asset.PlaybackPolicy is { } stored && JsonSerializer.Deserialize<PlaybackPolicy>(stored, GatewayJson.Options)?.Type is "jwt" or "webhook";
            if (policy.Type is not null && wasGated != (policy.Type is "jwt" or "webhook"))
            {
                errors.Add("playbackPolicy.type: an asset cannot be switched between public and private after creation");
            }
        }
        var creator = patch.CreatorId is { ValueKind: not JsonValueKind.Null } c ? StreamRules.NormaliseCreatorId(c, errors) : null;
        if (errors.Count > 0)
        {
            return ApiError.Unprocessable(errors);
        }
        var now = clock.GetUtcNow();
        if (patch.Name is not null)
        {
            asset.Name = patch.Name.Trim();
        }
        if (creator is not null)
        {
            asset.CreatorId = creator.ToJsonString();
        }
        if (patch.PlaybackPolicy is not null)
        {
            asset.PlaybackPolicy = JsonSerializer.Serialize(patch.PlaybackPolicy, GatewayJson.Options);
        }
        asset.UpdatedAt = now;
        var row = events.Asset(db, "asset.updated", asset, now);
        await db.SaveChangesAsync(ct);
        events.Publish([row]);
        return TypedResults.Ok(AssetResource.From(asset, urls.Value.BaseFor(http.Request)));
    }

    /// <summary>Deleting an asset deletes its files; processing still running for it stops at its next step.</summary>
    private static async Task<IResult> DeleteAsync(string id, HttpContext http, GatewayDbContext db, AssetEvents events, AssetStorage files,
        TimeProvider clock, CancellationToken ct)
    {
        var asset = await FindAsync(db, Caller.From(http), id, ct);
        if (asset is null)
        {
            return ApiError.NotFound("Asset not found");
        }
        var now = clock.GetUtcNow();
        asset.Phase = AssetPhase.Deleted;
        asset.DeletedAt = now;
        asset.UpdatedAt = now;
        var row = events.Asset(db, "asset.deleted", asset, now);
        await db.SaveChangesAsync(ct);
        events.Publish([row]);
        await files.DeleteAllAsync(asset);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ListTasksAsync(HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        if (!PageRequest.TryParse(http.Request, out var page, out var error))
        {
            return error!;
        }
        var caller = Caller.From(http);
        var rows = await db.Tasks.AsNoTracking().Where(t => t.ProjectId == caller.ProjectId).PageAsync(page, http, ct);
        return TypedResults.Ok(rows.Select(TaskResource.From).ToArray());
    }

    private static async Task<IResult> GetTaskAsync(string id, HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        var caller = Caller.From(http);
        return Guid.TryParse(id, out var taskId) &&
               await db.Tasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId && t.ProjectId == caller.ProjectId, ct) is { } task
            ? TypedResults.Ok(TaskResource.From(task))
            : ApiError.NotFound("not found");
    }
}
