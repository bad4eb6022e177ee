using StreamGateway.Core.Data;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Core.Assets;

/// <summary>Webhook events about assets and tasks (studio-api §4.1), written into the caller's unit of work.</summary>
public sealed class AssetEvents(WebhookOutbox outbox)
{
    public WebhookEvent Asset(GatewayDbContext db, string name, Asset asset, DateTimeOffset now) =>
        WebhookOutbox.Add(db, name, asset.ProjectId, asset.UserId, now,
            new { asset = new { id = asset.Id.ToString(), snapshot = AssetResource.From(asset, asset.PublicBase ?? "") } });

    public WebhookEvent Task(GatewayDbContext db, string name, AssetTask task, DateTimeOffset now)
    {
        var about = new { id = task.Id.ToString(), type = task.Type, snapshot = TaskResource.From(task) };
        object payload = name is "task.completed" or "task.failed" ? new { success = name == "task.completed", task = about } : new { task = about };
        return WebhookOutbox.Add(db, name, task.ProjectId, task.UserId, now, payload);
    }

    /// <summary>
    /// Commits a change already made to <paramref name="asset"/> together with <paramref name="changeTask"/> applied to
    /// its task (when there is one), with the matching asset and task events; the events go out after the commit.
    /// </summary>
    public async Task CommitAsync(GatewayDbContext db, Asset asset, string assetEvent, AssetTask? task, string taskEvent,
        Action<AssetTask> changeTask, DateTimeOffset now, CancellationToken ct)
    {
        var rows = new List<WebhookEvent> { Asset(db, assetEvent, asset, now) };
        if (task is not null)
        {
            changeTask(task);
            task.UpdatedAt = now;
            rows.Add(Task(db, taskEvent, task, now));
        }
        await db.SaveChangesAsync(ct);
        Publish(rows);
    }

    /// <summary>Ends an asset and its task failed with <paramref name="message"/>, with asset.failed and task.failed.</summary>
    public Task FailAsync(GatewayDbContext db, Asset asset, AssetTask? task, string message, DateTimeOffset now, CancellationToken ct)
    {
        asset.Phase = AssetPhase.Failed;
        asset.ErrorMessage = message;
        asset.Progress = null;
        asset.UpdatedAt = now;
        return CommitAsync(db, asset, "asset.failed", task, "task.failed", t =>
        {
            t.Phase = "failed";
            t.ErrorMessage = message;
        }, now, ct);
    }

    /// <summary>After the commit: hands each event to its dispatch job.</summary>
    public void Publish(IEnumerable<WebhookEvent> rows)
    {
        foreach (var row in rows)
        {
            outbox.Publish(row);
        }
    }
}
