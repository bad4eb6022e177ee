using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Core.Streams;

/// <summary>
/// Admin PUT /stream/{id}/setactive, the hook a media server calls when a publisher starts or stops
/// (studio-api §9.6). A change of <c>isActive</c> emits <c>stream.started</c> or <c>stream.idle</c> through the
/// outbox, in the same transaction as the change.
/// </summary>
public sealed class SetStreamActive(GatewayDbContext db, WebhookOutbox outbox, TimeProvider clock)
{
    public async Task<IResult> HandleAsync(string id, HttpContext http, CancellationToken ct)
    {
        var stream = Guid.TryParse(id, out var streamId)
            ? await db.Streams.FirstOrDefaultAsync(s => s.Id == streamId && !s.Deleted, ct)
            : null;
        if (stream is null)
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

        var now = clock.GetUtcNow();
        var changed = stream.IsActive != active;
        stream.IsActive = active;
        stream.LastSeen = body.Value.StartedAt is { } startedAt && active
            ? DateTimeOffset.FromUnixTimeMilliseconds(startedAt)
            : now;
        var row = changed
            ? WebhookOutbox.Add(db, active ? WebhookEvents.StreamStarted : WebhookEvents.StreamIdle, stream, now)
            : null;
        await db.SaveChangesAsync(ct);
        if (row is not null)
        {
            outbox.Publish(row);
        }
        return TypedResults.NoContent();
    }
}
