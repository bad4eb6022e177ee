using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StreamGateway.Core.Accounts;

namespace StreamGateway.Core.Live;

/// <summary>
/// What this gateway node is doing, for its operator (and the cluster tests): its roles, the publishers connected to
/// it, and how many live segments its workers have had transcoded since it started. <c>GET /api/node</c>, admin only,
/// answered by whichever node the request reaches (ask a node's own URL to see that node).
/// </summary>
public sealed class NodeActivity(NodeRoles roles, LivePublishers publishers)
{
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private long _liveSegmentsTranscoded;

    public void LiveSegmentTranscoded() => Interlocked.Increment(ref _liveSegmentsTranscoded);

    public object Describe() => new
    {
        machine = Environment.MachineName,
        processId = Environment.ProcessId,
        startedAt = _started.ToUnixTimeMilliseconds(),
        roles = roles.ToString(),
        publishers = publishers.Sessions.Select(p => new { sessionId = p.SessionId, streamId = p.StreamId }).ToList(),
        liveSegmentsTranscoded = Interlocked.Read(ref _liveSegmentsTranscoded),
    };
}

public static class NodeEndpoints
{
    public static RouteGroupBuilder MapNode(this RouteGroupBuilder api)
    {
        api.MapGet("/node", (NodeActivity node) => TypedResults.Ok(node.Describe())).AddEndpointFilter<RequireAdmin>().WithTags("Admin")
            .WithSummary("This gateway node: roles, connected publishers, live segments transcoded by its workers");
        return api;
    }
}
