using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace StreamGateway.Core.Streams;

/// <summary>
/// Tells <see cref="StreamReadCache"/> about every stream row a tracked save adds, changes or deletes, once the save is
/// done (bulk updates, which bypass the change tracker, call <see cref="StreamReadCache.Forget(Guid)"/> themselves).
/// </summary>
public sealed class StreamWriteInterceptor(StreamReadCache cache) : SaveChangesInterceptor
{
    /// <summary>The streams a context's save in progress writes, from SavingChanges to SavedChanges.</summary>
    private readonly ConditionalWeakTable<DbContext, List<Guid>> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Flush(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Flush(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Flush(eventData.Context);
        return Task.CompletedTask;
    }

    private void Note(DbContext? context)
    {
        if (context is null)
        {
            return;
        }
        var ids = context.ChangeTracker.Entries<LiveStream>()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(e => e.Entity.Id)
            .ToList();
        if (ids.Count > 0)
        {
            _pending.AddOrUpdate(context, ids);
        }
    }

    private void Flush(DbContext? context)
    {
        if (context is not null && _pending.TryGetValue(context, out var ids))
        {
            _pending.Remove(context);
            cache.Forget(ids);
        }
    }
}
