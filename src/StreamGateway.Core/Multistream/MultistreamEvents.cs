using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StreamGateway.Core.Data;
using StreamGateway.Core.Streams;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Core.Multistream;

/// <summary>
/// <c>multistream.connected|error|disconnected</c> (studio-api §4.1): <c>{sessionId, target: {id, name, profile}}</c> with
/// the stream, through the outbox like every event. An error's text is ffmpeg's, with the target's URL taken out.
/// </summary>
public sealed class MultistreamEvents(IServiceScopeFactory scopes, WebhookOutbox outbox, TimeProvider clock, ILogger<MultistreamEvents> logger)
{
    public async Task EmitAsync(PushPlan plan, string eventName, string? error)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
            var stream = await db.Streams.AsNoTracking().FirstOrDefaultAsync(s => s.Id == plan.StreamId);
            if (stream is null)
            {
                return;
            }
            var row = StreamEvents.Add(db, eventName, stream, clock.GetUtcNow(), new
            {
                sessionId = plan.SessionId.ToString(),
                target = new { id = plan.TargetId.ToString(), name = plan.TargetName, profile = plan.Rendition },
                error,
            });
            await db.SaveChangesAsync();
            outbox.Publish(row);
        }
        catch (Exception e) when (DurableWrites.Unreachable(e))
        {
            logger.LogWarning("Could not record {Event} for target {Target} of session {SessionId}: the database is away", eventName,
                plan.TargetId, plan.SessionId);
        }
    }
}
