using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Sessions;
using StreamGateway.Core.Streams;

namespace StreamGateway.Core.Assets;

/// <summary>
/// <c>POST /clip</c> and the clip lists (studio-api §2.1, §2.5). A clip is an asset whose source is cut from a
/// stream's stored segments: the recent window of any stream (<see cref="HlsOptions.RetainSegments"/> segments per
/// rendition) or any part of a recorded session.
/// </summary>
public static class ClipEndpoints
{
    public static RouteGroupBuilder MapClips(this RouteGroupBuilder api)
    {
        api.MapPost("/clip", CreateAsync).WithTags("Stream").WithName("createClip").Accepts<ClipPayload>("application/json")
            .Produces<NewAssetFromUrlResponse>().Produces<ErrorBody>(StatusCodes.Status400BadRequest).Produces<ErrorBody>(StatusCodes.Status403Forbidden)
            .Produces<ErrorBody>(StatusCodes.Status404NotFound).Produces<ErrorBody>(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/stream/{id}/clips", StreamClipsAsync).WithTags("Stream").WithName("getClips").Produces<AssetResource[]>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        api.MapGet("/session/{id}/clips", SessionClipsAsync).WithTags("Sessions").WithName("getSessionClips").Produces<AssetResource[]>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, GatewayDbContext db, AssetEvents events, IBackgroundJobClient jobs,
        IOptions<AssetOptions> options, IOptions<GatewayUrlOptions> urls, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<ClipPayload>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var clip = body.Value!;
        var now = clock.GetUtcNow();
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(clip.PlaybackId))
        {
            errors.Add("playbackId: required, the playback id of the stream to clip");
        }
        if (clip.StartTime is not { } start || start < 0)
        {
            errors.Add("startTime: required, in Unix milliseconds");
        }
        var end = clip.EndTime ?? now.ToUnixTimeMilliseconds();
        if (clip.StartTime is { } s && end <= s)
        {
            errors.Add("endTime: must be after startTime");
        }
        else if (clip.StartTime is { } s2 && end - s2 > options.Value.MaxClipSeconds * 1000.0)
        {
            errors.Add($"endTime: a clip lasts at most {options.Value.MaxClipSeconds} s");
        }
        if (clip.Name is not null)
        {
            StreamRules.CheckName(clip.Name, required: true, errors);
        }
        if (errors.Count > 0)
        {
            return ApiError.Unprocessable(errors);
        }

        var caller = Caller.From(http);
        var stream = await db.Streams.AsNoTracking().FirstOrDefaultAsync(x => x.PlaybackId == clip.PlaybackId && x.ProjectId == caller.ProjectId && !x.Deleted, ct);
        if (stream is null)
        {
            return await db.Assets.AnyAsync(a => a.PlaybackId == clip.PlaybackId && a.ProjectId == caller.ProjectId && a.DeletedAt == null, ct)
                ? ApiError.BadRequest("clips are cut from live streams; this playbackId is an asset's")
                : ApiError.NotFound("stream not found");
        }
        var from = DateTimeOffset.FromUnixTimeMilliseconds((long)clip.StartTime!.Value);
        var to = DateTimeOffset.FromUnixTimeMilliseconds((long)end);
        Session? session;
        if (clip.SessionId is not null)
        {
            session = Guid.TryParse(clip.SessionId, out var sessionId)
                ? await db.Sessions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == sessionId && x.StreamId == stream.Id, ct)
                : null;
            if (session is null)
            {
                return ApiError.NotFound("session not found");
            }
        }
        else
        {
            // The newest publish that started before the range ended and had not ended before it began.
            session = await db.Sessions.AsNoTracking()
                .Where(x => x.StreamId == stream.Id && x.CreatedAt <= to && (x.EndedAt == null || x.EndedAt >= from))
                .OrderByDescending(x => x.CreatedAt).FirstOrDefaultAsync(ct);
            if (session is null)
            {
                return ApiError.Unprocessable(["startTime: the stream was not live between startTime and endTime"]);
            }
        }
        var recent = now.AddMinutes(-5);
        var inFlight = await db.Tasks.CountAsync(t => t.ProjectId == caller.ProjectId && t.Type == "clip" && t.CreatedAt > recent &&
                                                      (t.Phase == "pending" || t.Phase == "waiting" || t.Phase == "running"), ct);
        if (inFlight >= options.Value.ClipsInFlight)
        {
            return ApiError.Forbidden($"{inFlight} clips are already being made; wait for one to finish");
        }

        var baseUrl = urls.Value.BaseFor(http.Request);
        var payload = new NewAssetPayload { Name = clip.Name ?? $"clip-{stream.PlaybackId}", StaticMp4 = true };
        var (asset, task) = await AssetEndpoints.CreateAsync(http, db, events, clock, payload, null, baseUrl, "clip", null, ct, (a, t) =>
        {
            a.Phase = AssetPhase.Waiting;
            a.SourceSessionId = session.Id;
            a.SourceStreamId = stream.Id;
            a.SourcePlaybackId = stream.PlaybackId;
            a.PlaybackPolicy = stream.PlaybackPolicy;
            t.Type = "clip";
            t.Phase = "waiting";
            t.Params = JsonSerializer.Serialize(new
            {
                clip = new
                {
                    clipStrategy = new { startTime = (long)clip.StartTime.Value, endTime = (long)end, playbackId = stream.PlaybackId },
                    sessionId = session.Id.ToString(),
                },
            }, GatewayJson.Options);
        });
        jobs.Enqueue<ClipAsset>(job => job.RunAsync(asset.Id, CancellationToken.None));
        return TypedResults.Ok(new NewAssetFromUrlResponse(AssetResource.From(asset, baseUrl), new TaskRef(task.Id.ToString())));
    }

    private static async Task<IResult> StreamClipsAsync(string id, HttpContext http, GatewayDbContext db, IOptions<GatewayUrlOptions> urls, CancellationToken ct)
    {
        var caller = Caller.From(http);
        var stream = await StreamQueries.FindAsync(db, caller, id, ct, track: false) ??
                     await db.Streams.AsNoTracking().FirstOrDefaultAsync(s => s.PlaybackId == id && s.ProjectId == caller.ProjectId && !s.Deleted, ct);
        return stream is null
            ? ApiError.NotFound("stream not found")
            : await ClipsAsync(db, caller, a => a.SourceStreamId == stream.Id, http, urls, ct);
    }

    private static async Task<IResult> SessionClipsAsync(string id, HttpContext http, GatewayDbContext db, IOptions<GatewayUrlOptions> urls, CancellationToken ct)
    {
        var caller = Caller.From(http);
        var session = Guid.TryParse(id, out var sessionId)
            ? await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId && s.ProjectId == caller.ProjectId, ct)
            : null;
        return session is null
            ? ApiError.NotFound("session not found")
            : await ClipsAsync(db, caller, a => a.SourceSessionId == session.Id, http, urls, ct);
    }

    private static async Task<IResult> ClipsAsync(GatewayDbContext db, Caller caller, System.Linq.Expressions.Expression<Func<Asset, bool>> from,
        HttpContext http, IOptions<GatewayUrlOptions> urls, CancellationToken ct)
    {
        var clips = await db.Assets.AsNoTracking().Where(from)
            .Where(a => a.ProjectId == caller.ProjectId && a.SourceType == "clip" && a.DeletedAt == null)
            .OrderByDescending(a => a.CreatedAt).Take(1000).ToListAsync(ct);
        var baseUrl = urls.Value.BaseFor(http.Request);
        return TypedResults.Ok(clips.Select(a => AssetResource.From(a, baseUrl)).ToArray());
    }
}
