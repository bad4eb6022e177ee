using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Streams;

/// <summary>
/// <c>POST /stream/{id}/create-multistream-target</c> (204, not Studio's 200, which the SDK reads as an error) and
/// <c>DELETE /stream/{id}/multistream/{targetId}</c> (204): one target added to or removed from a stream's list; a live
/// stream starts or stops pushing to it within seconds.
/// </summary>
public static class StreamTargets
{
    public static async Task<IResult> AddAsync(string id, HttpContext http, GatewayDbContext db, IOptions<MultistreamOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = Caller.From(http);
        var stream = await StreamQueries.FindAsync(db, caller, id, ct);
        if (stream is null)
        {
            return ApiError.NotFound();
        }
        var body = await JsonBody.ReadAsync<MultistreamTargetRef>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var spec = Current(stream);
        (spec.Targets ??= []).Add(body.Value!);
        var profiles = JsonSerializer.Deserialize<List<FfmpegProfile>>(stream.Profiles, GatewayJson.Options)!.Select(p => p.Name!).ToArray();
        List<string> errors = [], badRequests = [];
        StreamRules.CheckMultistream(spec, profiles, errors, badRequests);
        await MultistreamTargets.ResolveAsync(db, caller, spec, options.Value.MaxTargetsPerStream, clock.GetUtcNow(), errors, badRequests, ct);
        if (badRequests.Count > 0 || errors.Count > 0)
        {
            return badRequests.Count > 0 ? ApiError.BadRequest([.. badRequests]) : ApiError.Unprocessable(errors);
        }
        stream.Multistream = StreamRules.ToJson(spec);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> RemoveAsync(string id, string targetId, HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        var stream = await StreamQueries.FindAsync(db, Caller.From(http), id, ct);
        if (stream is null)
        {
            return ApiError.NotFound();
        }
        var spec = Current(stream);
        if ((spec.Targets ?? []).RemoveAll(t => t.Id == targetId) == 0)
        {
            return ApiError.NotFound("the stream has no such multistream target");
        }
        stream.Multistream = StreamRules.ToJson(spec);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static MultistreamSpec Current(LiveStream stream) =>
        stream.Multistream is null ? new MultistreamSpec() : JsonSerializer.Deserialize<MultistreamSpec>(stream.Multistream, GatewayJson.Options)!;
}
