using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Hls;
using StreamGateway.Core.Http;
using StreamGateway.Core.Playback;
using StreamGateway.Core.Sessions;
using StreamGateway.Core.Storage;
using StreamGateway.Core.Streams;
using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Core.Assets;

/// <summary>ClipPayload (studio-api §3.9): a range of a live stream, in Unix milliseconds of when it was streamed.</summary>
public sealed class ClipPayload
{
    public string? PlaybackId { get; set; }
    public double? StartTime { get; set; }
    public double? EndTime { get; set; }
    public string? Name { get; set; }
    public string? SessionId { get; set; }
}

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

/// <summary>
/// Cuts a clip's source (queue <c>vod</c>): the stored source segments that cover the range, joined and cut to the
/// frame, become the asset's source file, and <see cref="ProcessAsset"/> takes it from there like an upload.
/// Segments the live window no longer holds are read from the session's recording, when it has one.
/// </summary>
public sealed class ClipAsset(
    GatewayDbContext db,
    AssetStorage storage,
    ISegmentStore store,
    AssetEvents events,
    SessionSegments segments,
    IBackgroundJobClient jobs,
    IOptions<AssetOptions> options,
    IOptions<HlsOptions> hls,
    TimeProvider clock,
    ILogger<ClipAsset> logger)
{
    [Queue("vod")]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(Guid assetId, CancellationToken ct)
    {
        var asset = await db.Assets.FirstOrDefaultAsync(a => a.Id == assetId, ct);
        if (asset is null || asset.DeletedAt is not null || asset.Phase != AssetPhase.Waiting || asset.Size is not null)
        {
            return;
        }
        var task = await db.Tasks.OfAsset(assetId).FirstOrDefaultAsync(ct);
        var work = Path.Combine(storage.WorkDir(assetId), "clip");
        Directory.CreateDirectory(work);
        try
        {
            var file = await CutAsync(asset, task, work, ct);
            asset.Size = new FileInfo(file).Length;
            asset.UpdatedAt = clock.GetUtcNow();
            await storage.PutSourceAsync(asset.Id, file);
            await db.SaveChangesAsync(ct);
            jobs.Enqueue<ProcessAsset>(job => job.RunAsync(assetId, CancellationToken.None));
        }
        catch (Exception e) when (e is AssetFailedException or FfmpegException)
        {
            var message = e is AssetFailedException ? e.Message : $"the clip could not be cut: {e.Message}";
            logger.LogWarning("Clip {Asset} failed: {Error}", assetId, message);
            await db.Entry(asset).ReloadAsync(ct);
            if (asset.DeletedAt is null)
            {
                await events.FailAsync(db, asset, task, message, clock.GetUtcNow(), ct);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task<string> CutAsync(Asset asset, AssetTask? task, string work, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(task?.Params ?? "{}");
        var strategy = doc.RootElement.GetProperty("clip").GetProperty("clipStrategy");
        var start = strategy.GetProperty("startTime").GetInt64();
        var end = strategy.GetProperty("endTime").GetInt64();
        var sessionId = asset.SourceSessionId ?? throw new AssetFailedException("the clip names no session");
        var session = await db.Sessions.AsNoTracking().FirstAsync(s => s.Id == sessionId, ct);
        var picked = (await segments.ReadAsync(sessionId, LivePlaylists.Source)).Where(s => s.EndMs > start && s.StartMs < end).ToList();
        if (picked.Count == 0)
        {
            throw new AssetFailedException(
                $"no stored media of the stream lies between startTime and endTime; clips are cut from the last {hls.Value.RetainSegments} segments " +
                "of a live stream, or from any part of a recorded session");
        }
        var recording = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == sessionId && a.SourceType == "recording" && a.DeletedAt == null, ct);
        var joined = Path.Combine(work, "range.ts");
        await using (var output = File.Create(joined))
        {
            foreach (var segment in picked)
            {
                await using var stored = await store.OpenReadAsync(HlsEndpoints.SegmentKey(session.PlaybackId, LivePlaylists.Source,
                                             SessionSegments.FileName(sessionId, segment.Index)), ct)
                                         ?? (recording is null ? null : await store.OpenReadAsync(
                                             AssetFiles.SegmentKey(recording.PlaybackId, LivePlaylists.Source, segment.Index), ct))
                                         ?? throw new AssetFailedException("part of the requested range is no longer stored; clip a more recent range");
                await stored.CopyToAsync(output, ct);
            }
        }
        var first = Math.Max(start, picked[0].StartMs);
        var last = Math.Min(end, picked[^1].EndMs);
        var clip = Path.Combine(work, "clip.mp4");
        await FfmpegProcess.RunAsync(options.Value.FfmpegPath,
            FfmpegArguments.Clip(joined, (first - picked[0].StartMs) / 1000.0, (last - first) / 1000.0, clip), TimeSpan.FromMinutes(10), ct);
        return clip;
    }
}
