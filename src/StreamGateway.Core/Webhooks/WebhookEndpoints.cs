using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Webhooks;

/// <summary>
/// <c>/api/webhook</c> with the status codes the SDK expects (studio-api §2.3): POST 200, PUT 200 with the full
/// webhook, DELETE 200 with the deleted webhook.
/// </summary>
public static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhooks(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/webhook").WithTags("Webhooks");
        group.MapGet("/", ListAsync).WithName("getWebhooks");
        group.MapPost("/", CreateAsync).WithName("createWebhook")
            .Accepts<WebhookInput>("application/json").Produces<WebhookResource>();
        group.MapGet("/{id}", GetAsync).WithName("getWebhook").Produces<WebhookResource>();
        group.MapPut("/{id}", UpdateAsync).WithName("updateWebhook")
            .Accepts<WebhookInput>("application/json").Produces<WebhookResource>();
        group.MapDelete("/{id}", DeleteAsync).WithName("deleteWebhook").Produces<WebhookResource>();
        group.MapGet("/{id}/log", ListLogsAsync).WithName("getWebhookLogs");
        group.MapGet("/{id}/log/{logId}", GetLogAsync).WithName("getWebhookLog").Produces<WebhookLogResource>();
        group.MapPost("/{id}/log/{logId}/resend", ResendAsync).WithName("resendWebhook").Produces<WebhookLogResource>();
        return api;
    }

    private static async Task<Webhook?> FindAsync(GatewayDbContext db, Caller caller, string id, CancellationToken ct) =>
        Guid.TryParse(id, out var webhookId)
            ? await db.Webhooks.FirstOrDefaultAsync(w => w.Id == webhookId && w.ProjectId == caller.ProjectId && !w.Deleted, ct)
            : null;

    private static async Task<IResult> ListAsync(HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        if (!PageRequest.TryParse(http.Request, out var page, out var error))
        {
            return error!;
        }
        var caller = Caller.From(http);
        var rows = await db.Webhooks.AsNoTracking()
            .Where(w => w.ProjectId == caller.ProjectId && !w.Deleted)
            .PageAsync(page, http, ct);
        return TypedResults.Ok(rows.Select(WebhookResource.From).ToArray());
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, GatewayDbContext db, CancellationToken ct) =>
        await FindAsync(db, Caller.From(http), id, ct) is { } webhook
            ? TypedResults.Ok(WebhookResource.From(webhook))
            : ApiError.NotFound();

    private static async Task<IResult> CreateAsync(HttpContext http, GatewayDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<WebhookInput>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var caller = Caller.From(http);
        var (streamId, errors) = await CheckAsync(body.Value!, db, caller, ct);
        if (errors.Count > 0)
        {
            return ApiError.Unprocessable(errors);
        }
        var input = body.Value!;
        var webhook = new Webhook
        {
            Id = Guid.CreateVersion7(),
            ProjectId = caller.ProjectId,
            UserId = caller.UserId,
            Name = input.Name!,
            Url = input.Url!,
            Events = [.. input.Events!.Distinct(StringComparer.Ordinal)],
            SharedSecret = input.SharedSecret,
            StreamId = streamId,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Webhooks.Add(webhook);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(WebhookResource.From(webhook));
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        var caller = Caller.From(http);
        var webhook = await FindAsync(db, caller, id, ct);
        if (webhook is null)
        {
            return ApiError.NotFound();
        }
        var body = await JsonBody.ReadAsync<WebhookInput>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var (streamId, errors) = await CheckAsync(body.Value!, db, caller, ct);
        if (errors.Count > 0)
        {
            return ApiError.Unprocessable(errors);
        }
        var input = body.Value!;
        webhook.Name = input.Name!;
        webhook.Url = input.Url!;
        webhook.Events = [.. input.Events!.Distinct(StringComparer.Ordinal)];
        // PUT replaces the webhook; a secret left out keeps the one already set, so a rename cannot unsign deliveries.
        webhook.SharedSecret = input.SharedSecret ?? webhook.SharedSecret;
        webhook.StreamId = streamId;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(WebhookResource.From(webhook));
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        var webhook = await FindAsync(db, Caller.From(http), id, ct);
        if (webhook is null)
        {
            return ApiError.NotFound();
        }
        webhook.Deleted = true;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(WebhookResource.From(webhook));
    }

    private static async Task<IResult> ListLogsAsync(string id, HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        if (!PageRequest.TryParse(http.Request, out var page, out var error))
        {
            return error!;
        }
        var webhook = await FindAsync(db, Caller.From(http), id, ct);
        if (webhook is null)
        {
            return ApiError.NotFound();
        }
        var rows = await db.WebhookLogs.AsNoTracking().Where(l => l.WebhookId == webhook.Id).PageAsync(page, http, ct);
        return TypedResults.Ok(rows.Select(WebhookLogResource.From).ToArray());
    }

    private static async Task<WebhookLog?> FindLogAsync(Webhook webhook, string logId, GatewayDbContext db, CancellationToken ct) =>
        Guid.TryParse(logId, out var lid)
            ? await db.WebhookLogs.FirstOrDefaultAsync(l => l.Id == lid && l.WebhookId == webhook.Id, ct)
            : null;

    private static async Task<IResult> GetLogAsync(string id, string logId, HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        var webhook = await FindAsync(db, Caller.From(http), id, ct);
        var log = webhook is null ? null : await FindLogAsync(webhook, logId, db, ct);
        return log is null ? ApiError.NotFound() : TypedResults.Ok(WebhookLogResource.From(log));
    }

    private static async Task<IResult> ResendAsync(
        string id, string logId, HttpContext http, GatewayDbContext db, DeliverWebhook deliver, CancellationToken ct)
    {
        var webhook = await FindAsync(db, Caller.From(http), id, ct);
        var log = webhook is null ? null : await FindLogAsync(webhook, logId, db, ct);
        if (log is null)
        {
            return ApiError.NotFound();
        }
        var resent = await deliver.ResendAsync(webhook!, log, ct);
        return TypedResults.Ok(WebhookLogResource.From(resent));
    }

    /// <summary>Validates a WebhookInput; returns the stream it is scoped to, if any.</summary>
    private static async Task<(Guid? StreamId, List<string> Errors)> CheckAsync(
        WebhookInput input, GatewayDbContext db, Caller caller, CancellationToken ct)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(input.Name))
        {
            errors.Add("name: is required");
        }
        else if (input.Name.Length > 500)
        {
            errors.Add("name: must be at most 500 characters");
        }
        if (string.IsNullOrEmpty(input.Url))
        {
            errors.Add("url: is required");
        }
        else if (!Uri.TryCreate(input.Url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            errors.Add("url: must be an absolute http:// or https:// URL");
        }
        if (input.Events is null || input.Events.Count == 0)
        {
            errors.Add("events: must provide \"events\" field with subscriptions");
        }
        else
        {
            errors.AddRange(input.Events.Where(e => e is null || !WebhookEvents.IsKnown(e))
                .Select(e => $"events: unknown event \"{e}\"; allowed: {string.Join(", ", WebhookEvents.All)}"));
        }
        if (input.SharedSecret is { Length: > 1024 })
        {
            errors.Add("sharedSecret: must be at most 1024 characters");
        }
        if (input.ProjectId is not null && input.ProjectId != caller.ProjectId.ToString())
        {
            errors.Add("projectId: must be the project of the API key making the request");
        }
        Guid? streamId = null;
        if (input.StreamId is not null)
        {
            if (Guid.TryParse(input.StreamId, out var sid) &&
                await db.Streams.AnyAsync(s => s.Id == sid && s.ProjectId == caller.ProjectId && !s.Deleted, ct))
            {
                streamId = sid;
            }
            else
            {
                errors.Add("streamId: no such stream");
            }
        }
        return (streamId, errors);
    }
}
