using System.Collections.Concurrent;
using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.Logging;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Webhooks;

/// <summary>
/// Writes events into the outbox table inside the caller's unit of work; after the caller commits,
/// <see cref="Publish"/> hands each one to a dispatch job. An event whose job was never enqueued (a crash between
/// commit and enqueue) or was lost (Redis forgot it) is dispatched by <see cref="WebhookOutboxSweep"/>.
/// <para>
/// Enqueueing a Hangfire job blocks its thread on Redis. Publish only queues the event's id in memory; one thread of
/// the outbox's own enqueues the jobs. Called from the thread pool, 200 publishes starting at once used to hold its
/// few threads until it grew, and every stream's segments waited seconds behind them. The queue is bounded by
/// <see cref="MaxPending"/>; an event that does not fit is left to the sweep, as one lost in a crash is.
/// </para>
/// </summary>
public sealed class WebhookOutbox : IDisposable
{
    /// <summary>Events waiting for their dispatch job at most; more are left to the sweep.</summary>
    public const int MaxPending = 10_000;

    private readonly IBackgroundJobClient _jobs;
    private readonly ILogger<WebhookOutbox> _logger;
    private readonly BlockingCollection<Guid> _pending = new(MaxPending);
    private readonly Thread _enqueuer;

    public WebhookOutbox(IBackgroundJobClient jobs, ILogger<WebhookOutbox> logger)
    {
        _jobs = jobs;
        _logger = logger;
        _enqueuer = new Thread(EnqueueAll) { IsBackground = true, Name = "Webhook outbox" };
        _enqueuer.Start();
    }

    /// <summary>An event of a project; an event about a stream also carries the stream (see <c>StreamEvents</c>).</summary>
    public static WebhookEvent Add(GatewayDbContext db, string eventName, Guid projectId, Guid userId, DateTimeOffset now, object? payload)
    {
        var row = new WebhookEvent
        {
            Id = Guid.CreateVersion7(),
            ProjectId = projectId,
            UserId = userId,
            Event = eventName,
            Payload = payload is null ? null : JsonSerializer.Serialize(payload, GatewayJson.Options),
            CreatedAt = now,
        };
        db.WebhookEvents.Add(row);
        return row;
    }

    /// <summary>Queues a committed event for its dispatch job; never blocks the caller.</summary>
    public void Publish(WebhookEvent row)
    {
        bool queued;
        try
        {
            queued = _pending.TryAdd(row.Id);
        }
        catch (InvalidOperationException)
        {
            queued = false; // shutting down
        }
        if (!queued)
        {
            _logger.LogWarning("Webhook event {EventId} waits for the outbox sweep: the outbox is full ({Max} events) or shutting down",
                row.Id, MaxPending);
        }
    }

    private void EnqueueAll()
    {
        foreach (var id in _pending.GetConsumingEnumerable())
        {
            try
            {
                _jobs.Enqueue<DispatchWebhookEvent>(job => job.RunAsync(id, CancellationToken.None));
            }
            catch (Exception e)
            {
                // Redis away: the sweep dispatches the event once it has waited its grace period.
                _logger.LogWarning("Webhook event {EventId} waits for the outbox sweep: its dispatch job could not be enqueued: {Error}", id, e.Message);
            }
        }
    }

    public void Dispose()
    {
        // What is still queued goes to Hangfire now if Redis answers in time; otherwise the sweep dispatches it.
        _pending.CompleteAdding();
        _enqueuer.Join(TimeSpan.FromSeconds(5));
    }
}
