using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Streams;

public static class StreamQueries
{
    /// <summary>A live (not deleted) stream of the caller's project; anything else is "not found".</summary>
    /// <param name="track">False for reads that change nothing, which skips change tracking.</param>
    public static async Task<LiveStream?> FindAsync(GatewayDbContext db, Caller caller, string id, CancellationToken ct, bool track = true) =>
        Guid.TryParse(id, out var streamId)
            ? await (track ? db.Streams : db.Streams.AsNoTracking())
                .FirstOrDefaultAsync(s => s.Id == streamId && s.ProjectId == caller.ProjectId && !s.Deleted, ct)
            : null;
}
