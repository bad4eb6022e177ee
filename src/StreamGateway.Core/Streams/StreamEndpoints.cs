using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Streams;

/// <summary><c>/api/stream</c> with Studio's paths and status codes (studio-api §2.1).</summary>
public static class StreamEndpoints
{
    public static readonly TimeSpan TerminateCooldown = TimeSpan.FromSeconds(5);

    public static RouteGroupBuilder MapStreams(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/stream").WithTags("Streams");
        group.MapPost("/", (HttpContext http, CreateStream action, CancellationToken ct) => action.HandleAsync(http, ct))
            .WithName("createStream").Accepts<NewStreamPayload>("application/json")
            .Produces<StreamResource>(StatusCodes.Status201Created);
        group.MapGet("/", ListAsync).WithName("getStreams").Produces<StreamResource[]>();
        group.MapGet("/{id}", GetAsync).WithName("getStream").Produces<StreamResource>();
        group.MapPatch("/{id}", (string id, HttpContext http, UpdateStream action, CancellationToken ct) => action.HandleAsync(id, http, ct))
            .WithName("updateStream").Accepts<StreamPatchPayload>("application/json").Produces(StatusCodes.Status204NoContent);
        group.MapDelete("/{id}", DeleteAsync).WithName("deleteStream").Produces(StatusCodes.Status204NoContent);
        group.MapDelete("/{id}/terminate", TerminateAsync).WithName("terminateStream").Produces(StatusCodes.Status204NoContent);
        group.MapPost("/{id}/start-pull", StartPullAsync).WithName("startPullStream").Produces(StatusCodes.Status204NoContent)
            .Produces<ErrorBody>(StatusCodes.Status400BadRequest);
        group.MapPost("/{id}/create-multistream-target", StreamTargets.AddAsync).WithName("addMultistreamTarget")
            .Accepts<MultistreamTargetRef>("application/json").Produces(StatusCodes.Status204NoContent);
        group.MapDelete("/{id}/multistream/{targetId}", StreamTargets.RemoveAsync).WithName("removeMultistreamTarget")
            .Produces(StatusCodes.Status204NoContent);

        var admin = group.MapGroup("/").AddEndpointFilter<RequireAdmin>().WithTags("Admin");
        admin.MapGet("/key/{key}", GetByKeyAsync).WithName("getStreamByKey").Produces<StreamResource>();
        admin.MapPut("/{id}/setactive", (string id, HttpContext http, SetStreamActive action, CancellationToken ct) => action.HandleAsync(id, http, ct))
            .WithName("setStreamActive").Accepts<SetActivePayload>("application/json").Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        if (!PageRequest.TryParse(http.Request, out var page, out var error))
        {
            return error!;
        }
        // Sessions are not child streams here, so every listed stream is a parent and `streamsonly` changes nothing.
        var caller = Caller.From(http);
        var rows = await db.Streams.AsNoTracking()
            .Where(s => s.ProjectId == caller.ProjectId && !s.Deleted)
            .PageAsync(page, http, ct);
        return TypedResults.Ok(rows.Select(s => StreamResource.From(s)).ToArray());
    }

    /// <summary>
    /// One stream, from this node's <see cref="StreamReadCache"/> when it holds a fresh answer for the caller's project;
    /// otherwise read, shaped, and kept there. The database context is only taken on a miss.
    /// </summary>
    private static async Task<IResult> GetAsync(string id, HttpContext http, StreamReadCache cache, CancellationToken ct)
    {
        var caller = Caller.From(http);
        if (!Guid.TryParse(id, out var streamId))
        {
            return ApiError.NotFound();
        }
        if (!cache.TryGet(caller.ProjectId, streamId, out var json))
        {
            var generation = cache.Generation;
            var db = http.RequestServices.GetRequiredService<GatewayDbContext>();
            if (await StreamQueries.FindAsync(db, caller, id, ct, track: false) is not { } stream)
            {
                return ApiError.NotFound();
            }
            json = JsonSerializer.SerializeToUtf8Bytes(StreamResource.From(stream), GatewayJson.Options);
            cache.Set(caller.ProjectId, streamId, json, generation);
        }
        return TypedResults.Bytes(json, "application/json; charset=utf-8");
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext http, GatewayDbContext db, TimeProvider clock,
        ILiveControl live, CancellationToken ct)
    {
        var stream = await StreamQueries.FindAsync(db, Caller.From(http), id, ct);
        if (stream is null)
        {
            return ApiError.NotFound();
        }
        stream.Deleted = true;
        stream.DeletedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await live.StreamChangedAsync(stream, dropPublisher: true);
        return TypedResults.NoContent();
    }

    /// <summary>Starts (or restarts) pulling a stream that has a <c>pull</c> source; a node takes it within seconds.</summary>
    private static async Task<IResult> StartPullAsync(string id, HttpContext http, GatewayDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var stream = await StreamQueries.FindAsync(db, Caller.From(http), id, ct);
        if (stream is null)
        {
            return ApiError.NotFound();
        }
        if (stream.Pull is null)
        {
            return ApiError.BadRequest("stream has no pull source; set pull.source first");
        }
        stream.PullRequestedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> TerminateAsync(string id, HttpContext http, GatewayDbContext db, TimeProvider clock,
        ILiveControl live, CancellationToken ct)
    {
        var stream = await StreamQueries.FindAsync(db, Caller.From(http), id, ct);
        if (stream is null)
        {
            return ApiError.NotFound();
        }
        var now = clock.GetUtcNow();
        if (stream.LastTerminatedAt is { } last && now - last < TerminateCooldown)
        {
            return ApiError.TooManyRequests("stream was terminated less than 5 seconds ago; try again later");
        }
        stream.LastTerminatedAt = now;
        stream.PullRequestedAt = null; // a pulled stream stops pulling; start-pull starts it again
        await db.SaveChangesAsync(ct);
        // Terminate ends the current session; the encoder may reconnect and start a new one.
        await live.TerminateAsync(stream.Id);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> GetByKeyAsync(string key, GatewayDbContext db, CancellationToken ct) =>
        await db.Streams.AsNoTracking().FirstOrDefaultAsync(s => s.StreamKey == key, ct) is { } stream
            ? TypedResults.Ok(StreamResource.From(stream))
            : ApiError.NotFound();
}
