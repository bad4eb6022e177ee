using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Jobs;

namespace StreamGateway.Core.Webhooks;

/// <summary>
/// Sends one event to one webhook and records the attempt. Network errors, timeouts and 5xx are retried with
/// doubling backoff by scheduling the next attempt; 3xx/4xx are final (studio-api §4.4). The event id stays the
/// same on every attempt so receivers can de-duplicate. Each attempt is leased on its <see cref="WebhookDelivery"/>
/// row, which also says what is owed next, so a lost job costs a delay, not the delivery. A project has at most
/// <see cref="WebhookOptions.MaxConcurrentDeliveriesPerProject"/> deliveries in flight and a node
/// <see cref="WebhookOptions.MaxConcurrentDeliveriesPerNode"/>; an attempt beyond either waits, scheduled again shortly.
/// </summary>
public sealed class DeliverWebhook(
    GatewayDbContext db,
    IHttpClientFactory httpClients,
    IBackgroundJobClient jobs,
    JobSlots slots,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<DeliverWebhook> logger)
{
    public const string HttpClientName = "webhooks";

    [Queue("webhooks")]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(Guid eventId, Guid webhookId, int attempt, CancellationToken ct)
    {
        var o = options.Value;
        var delivery = await TakeAsync(eventId, webhookId, attempt, ct);
        if (delivery is null)
        {
            return; // already made, a later attempt is due, or another node is making it: a job may run twice
        }
        var now = clock.GetUtcNow();
        var row = await db.WebhookEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Id == eventId, ct);
        var webhook = await db.Webhooks.FirstOrDefaultAsync(w => w.Id == webhookId, ct);
        if (row is null || webhook is null || webhook.Deleted)
        {
            delivery.FinishedAt = now;
            await db.SaveChangesAsync(ct);
            return;
        }

        TimeSpan? retryIn = null;
        await using (var slot = await slots.TryTakeAsync(o.DeliverySlots(), webhook.ProjectId))
        {
            if (slot is null)
            {
                var wait = slots.BusyDelay();
                delivery.DueAt = now + wait;
                delivery.LeasedUntil = null;
                await db.SaveChangesAsync(ct);
                jobs.Schedule<DeliverWebhook>(job => job.RunAsync(eventId, webhookId, attempt, CancellationToken.None), wait);
                logger.LogDebug("Webhook {WebhookId} event {EventId} attempt {Attempt} waits {Delay}: its project or this node has as many deliveries in flight as it may",
                    webhookId, eventId, attempt, wait);
                return;
            }
            var body = Body(row, webhook.Id, now);
            var (log, retryable) = await SendAsync(webhook, row.Event, eventId, body, attempt, ct);
            db.WebhookLogs.Add(log);
            var retry = retryable && attempt <= o.MaxRetries;
            Health.GatewayMetrics.WebhookDeliveries.Add(1, Health.GatewayMetrics.Tag("outcome", log.Success ? "delivered" : retry ? "retrying" : "failed"));
            if (retry)
            {
                retryIn = o.RetryDelay(attempt);
                delivery.Attempt = attempt + 1;
                delivery.DueAt = clock.GetUtcNow() + retryIn.Value;
                delivery.LeasedUntil = null;
            }
            else
            {
                delivery.FinishedAt = clock.GetUtcNow();
            }
            await db.SaveChangesAsync(ct);
        }

        if (retryIn is { } delay)
        {
            jobs.Schedule<DeliverWebhook>(job => job.RunAsync(eventId, webhookId, attempt + 1, CancellationToken.None), delay);
            logger.LogInformation("Webhook {WebhookId} event {EventId} attempt {Attempt} failed; retrying in {Delay}",
                webhookId, eventId, attempt, delay);
        }
    }

    /// <summary>
    /// Leases the delivery for this attempt, long enough to send it, so that a second job for the same attempt (the
    /// sweep's, after Redis lost the first) cannot send it too. Null when the attempt is not this job's to make.
    /// </summary>
    private async Task<WebhookDelivery?> TakeAsync(Guid eventId, Guid webhookId, int attempt, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + TimeSpan.FromSeconds(options.Value.TimeoutSeconds + 30);
        var taken = await db.WebhookDeliveries
            .Where(d => d.EventId == eventId && d.WebhookId == webhookId && d.Attempt == attempt && d.FinishedAt == null &&
                        (d.LeasedUntil == null || d.LeasedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeasedUntil, until), ct);
        if (taken == 1)
        {
            return await db.WebhookDeliveries.FirstAsync(d => d.EventId == eventId && d.WebhookId == webhookId, ct);
        }
        if (await db.WebhookDeliveries.AnyAsync(d => d.EventId == eventId && d.WebhookId == webhookId, ct) ||
            await db.WebhookEvents.AsNoTracking().Where(e => e.Id == eventId).Select(e => (Guid?)e.ProjectId).FirstOrDefaultAsync(ct) is not { } projectId)
        {
            return null;
        }
        // A job from before deliveries were written down: it becomes one.
        var delivery = new WebhookDelivery { EventId = eventId, WebhookId = webhookId, ProjectId = projectId, Attempt = attempt, DueAt = now, LeasedUntil = until };
        db.WebhookDeliveries.Add(delivery);
        try
        {
            await db.SaveChangesAsync(ct);
            return delivery;
        }
        catch (DbUpdateException)
        {
            return null; // another job wrote it first
        }
    }

    /// <summary>Resends a logged delivery now, with a fresh timestamp and signature; returns the new log.</summary>
    public async Task<WebhookLog> ResendAsync(Webhook webhook, WebhookLog previous, CancellationToken ct)
    {
        var body = JsonNode.Parse(previous.RequestBody)!.AsObject();
        body["timestamp"] = Epoch.Ms(clock.GetUtcNow());
        var (log, _) = await SendAsync(webhook, previous.Event, previous.EventId, body, 0, ct);
        db.WebhookLogs.Add(log);
        await db.SaveChangesAsync(ct);
        return log;
    }

    /// <summary>The delivery body, keys in Studio's order: id, webhookId, createdAt, timestamp, event, stream, payload.</summary>
    private static JsonObject Body(WebhookEvent row, Guid webhookId, DateTimeOffset now)
    {
        var body = new JsonObject
        {
            ["id"] = row.Id.ToString(),
            ["webhookId"] = webhookId.ToString(),
            ["createdAt"] = Epoch.Ms(row.CreatedAt),
            ["timestamp"] = Epoch.Ms(now),
            ["event"] = row.Event,
        };
        if (row.Stream is not null)
        {
            body["stream"] = JsonNode.Parse(row.Stream);
        }
        if (row.Payload is not null)
        {
            body["payload"] = JsonNode.Parse(row.Payload);
        }
        return body;
    }

    /// <returns>The attempt's log, and whether a failure is worth retrying (network error, timeout, 5xx).</returns>
    private async Task<(WebhookLog Log, bool Retryable)> SendAsync(Webhook webhook, string eventName, Guid eventId, JsonObject body, int attempt, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var raw = Encoding.UTF8.GetBytes(body.ToJsonString(GatewayJson.Options));
        var headers = new Dictionary<string, string>
        {
            ["content-type"] = "application/json",
            ["user-agent"] = "livepeer.studio",
        };
        if (!string.IsNullOrEmpty(webhook.SharedSecret))
        {
            headers[WebhookSignature.Header] = WebhookSignature.Sign(webhook.SharedSecret, raw, body["timestamp"]!.GetValue<long>());
        }

        var log = new WebhookLog
        {
            Id = Guid.CreateVersion7(),
            WebhookId = webhook.Id,
            EventId = eventId,
            ProjectId = webhook.ProjectId,
            Event = eventName,
            Attempt = attempt,
            CreatedAt = now,
            RequestUrl = webhook.Url,
            RequestHeaders = JsonSerializer.Serialize(headers),
            RequestBody = Encoding.UTF8.GetString(raw),
        };

        var retryable = false;
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        try
        {
            using var request = WebhookSignature.Post(webhook.Url, raw, headers.GetValueOrDefault(WebhookSignature.Header));
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            log.ResponseStatus = (int)response.StatusCode;
            log.ResponseStatusText = response.ReasonPhrase;
            log.ResponseBody = Convert.ToBase64String(await ReadHeadAsync(response.Content, options.Value.MaxResponseBytes, timeout.Token));
            log.Success = response.IsSuccessStatusCode;
            retryable = (int)response.StatusCode >= (int)HttpStatusCode.InternalServerError;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            log.Error = e is OperationCanceledException && !ct.IsCancellationRequested
                ? $"timed out after {options.Value.TimeoutSeconds} s"
                : Innermost(e).Message;
            retryable = Innermost(e) is not AddressRefusedException;
        }
        log.Duration = Stopwatch.GetElapsedTime(started).TotalSeconds;

        webhook.LastTriggeredAt = now;
        if (!log.Success)
        {
            webhook.LastFailure = JsonSerializer.Serialize(new
            {
                timestamp = Epoch.Ms(now),
                error = log.Error ?? $"HTTP {log.ResponseStatus}",
                response = log.ResponseBody,
                statusCode = log.ResponseStatus,
            }, GatewayJson.Options);
        }
        return (log, retryable);
    }

    /// <summary>
    /// The first <paramref name="limit"/> bytes of an answer. The rest is never read: disposing the response then
    /// closes the connection. The status has already decided the outcome, so a body that breaks off or stalls
    /// until the timeout only leaves less to keep.
    /// </summary>
    internal static async Task<byte[]> ReadHeadAsync(HttpContent content, int limit, CancellationToken ct)
    {
        var head = new byte[limit];
        var filled = 0;
        try
        {
            await using var stream = await content.ReadAsStreamAsync(ct);
            int read;
            while (filled < limit && (read = await stream.ReadAsync(head.AsMemory(filled), ct)) > 0)
            {
                filled += read;
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
        }
        return head[..filled];
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }
        return e;
    }
}
