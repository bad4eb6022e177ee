using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Streams;

public static class StreamQueries
{
    /// <summary>
    /// The read-only lookup, compiled once: a read skips building and looking up the LINQ expression on every call, the
    /// larger part of EF Core's own cost for a one-row read (see BENCHMARKS.md, "API: authenticated read").
    /// </summary>
    private static readonly Func<GatewayDbContext, Guid, Guid, CancellationToken, Task<LiveStream?>> FindUntracked =
        EF.CompileAsyncQuery((GatewayDbContext db, Guid streamId, Guid projectId, CancellationToken ct) =>
            db.Streams.AsNoTracking().FirstOrDefault(s => s.Id == streamId && s.ProjectId == projectId && !s.Deleted));

    /// <summary>A live (not deleted) stream of the caller's project; anything else is "not found".</summary>
    /// <param name="track">False for reads that change nothing, which skips change tracking.</param>
    public static async Task<LiveStream?> FindAsync(GatewayDbContext db, Caller caller, string id, CancellationToken ct, bool track = true)
    {
        if (!Guid.TryParse(id, out var streamId))
        {
            return null;
        }
        return track
            ? await db.Streams.FirstOrDefaultAsync(s => s.Id == streamId && s.ProjectId == caller.ProjectId && !s.Deleted, ct)
            : await FindUntracked(db, streamId, caller.ProjectId, ct);
    }
}
