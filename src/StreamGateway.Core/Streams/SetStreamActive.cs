using Microsoft.AspNetCore.Http;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Streams;

/// <summary>
/// Admin PUT /stream/{id}/setactive, the hook an external media server calls when a publisher starts or stops
/// (studio-api §9.6). The built-in RTMP ingest uses <see cref="StreamActivity"/> directly.
/// </summary>
public sealed class SetStreamActive(StreamActivity activity)
{
    public async Task<IResult> HandleAsync(string id, HttpContext http, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var streamId))
        {
            return ApiError.NotFound();
        }
        var body = await JsonBody.ReadAsync<SetActivePayload>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        if (body.Value!.Active is not { } active)
        {
            return ApiError.Unprocessable(["active: is required"]);
        }
        var since = body.Value.StartedAt is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
        var found = active
            ? await activity.MarkActiveAsync(streamId, null, since, ct)
            : await activity.MarkIdleAsync(streamId, null, ct);
        return found ? TypedResults.NoContent() : ApiError.NotFound();
    }
}
