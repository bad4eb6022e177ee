using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Streams;

namespace StreamGateway.Core.Sessions;

/// <summary><c>/api/session</c> and <c>/api/stream/{id}/sessions</c> (studio-api §2.5).</summary>
public static class SessionEndpoints
{
    public static RouteGroupBuilder MapSessions(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/session").WithTags("Sessions");
        group.MapGet("/", ListAsync).WithName("getSessions").Produces<SessionResource[]>();
        group.MapGet("/{id}", GetAsync).WithName("getSession").Produces<SessionResource>();
        api.MapGet("/stream/{id}/sessions", ListForStreamAsync).WithTags("Sessions").WithName("getRecordedSessions")
            .Produces<SessionResource[]>();
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext http, GatewayDbContext db, IOptions<GatewayUrlOptions> urls,
        ISessionRecordings recordings, PushStatuses statuses, TimeProvider clock, CancellationToken ct)
    {
        if (!PageRequest.TryParse(http.Request, out var page, out var error))
        {
            return error!;
        }
        var caller = Caller.From(http);
        var query = db.Sessions.AsNoTracking().Where(s => s.ProjectId == caller.ProjectId);
        var parentId = http.Request.Query["parentId"].ToString();
        if (parentId.Length > 0)
        {
            query = Guid.TryParse(parentId, out var streamId) ? query.Where(s => s.StreamId == streamId) : query.Where(_ => false);
        }
        var rows = await query.PageAsync(page, http, ct);
        return TypedResults.Ok(await ResourcesAsync(recordings, statuses, rows, http, urls, clock, ct));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, GatewayDbContext db, IOptions<GatewayUrlOptions> urls,
        ISessionRecordings recordings, PushStatuses statuses, TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(http);
        var session = Guid.TryParse(id, out var sessionId)
            ? await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId && s.ProjectId == caller.ProjectId, ct)
            : null;
        return session is null ? ApiError.NotFound() : TypedResults.Ok((await ResourcesAsync(recordings, statuses, [session], http, urls, clock, ct))[0]);
    }

    /// <summary>Only sessions that carried media, as Studio lists them; <c>record=true|1</c> keeps recorded ones.</summary>
    private static async Task<IResult> ListForStreamAsync(string id, HttpContext http, GatewayDbContext db, IOptions<GatewayUrlOptions> urls,
        ISessionRecordings recordings, PushStatuses statuses, TimeProvider clock, CancellationToken ct)
    {
        if (!PageRequest.TryParse(http.Request, out var page, out var error))
        {
            return error!;
        }
        var stream = await StreamQueries.FindAsync(db, Caller.From(http), id, ct, track: false);
        if (stream is null)
        {
            return ApiError.NotFound();
        }
        var query = db.Sessions.AsNoTracking()
            .Where(s => s.StreamId == stream.Id && s.LastSeen != null && s.SourceSegmentsDuration > 0);
        var record = http.Request.Query["record"].ToString();
        if (record is "true" or "1")
        {
            query = query.Where(s => s.Record);
        }
        var rows = await query.PageAsync(page, http, ct);
        return TypedResults.Ok(await ResourcesAsync(recordings, statuses, rows, http, urls, clock, ct));
    }

    /// <summary>Sessions as the API shows them, each with its recording's status and URLs (the asset with the session's id).</summary>
    private static async Task<SessionResource[]> ResourcesAsync(ISessionRecordings recordings, PushStatuses statuses,
        IReadOnlyList<Session> sessions, HttpContext http, IOptions<GatewayUrlOptions> urls, TimeProvider clock, CancellationToken ct)
    {
        var recorded = sessions.Where(s => s.Record).Select(s => s.Id).ToList();
        var found = recorded.Count == 0
            ? new Dictionary<Guid, SessionRecording>()
            : await recordings.FindAsync(recorded, urls.Value.BaseFor(http.Request), ct);
        var now = clock.GetUtcNow();
        var resources = sessions.Select(s => SessionResource.From(s, now, found.GetValueOrDefault(s.Id))).ToArray();
        foreach (var resource in resources)
        {
            var pushes = await statuses.OfSessionAsync(Guid.Parse(resource.Id));
            resource.Multistream = pushes.Count > 0 ? pushes : null;
        }
        return resources;
    }
}
