using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Streams;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Core.AccessControl;

/// <summary>What a webhook policy's receiver said about an access key.</summary>
public enum AccessAnswer
{
    Allowed,
    Refused,
    /// <summary>The receiver could not be asked or did not answer in time: refused too (fail closed), as 502.</summary>
    Unanswered,
    /// <summary>This node has too many questions in flight: 503, try again.</summary>
    Busy,
}

/// <summary>
/// The gate of a <c>webhook</c> playback policy (studio-api §5.4): it POSTs
/// <c>{context, accessKey, timestamp, userIP, playDomain, playURL, headers}</c> to the policy's webhook, signed as every
/// webhook is, and lets the viewer in on a 2xx (unless its JSON body says <c>"ret"</c> is not 2xx). An answer is kept per
/// access key and playback id: an allow for the policy's <c>refreshInterval</c> (600 s by default), a refusal for
/// <see cref="AccessControlOptions.RefusalCacheSeconds"/>; viewers asking the same question at once share one call. A
/// receiver that is down, slow (over <see cref="AccessControlOptions.WebhookTimeoutSeconds"/>) or gone refuses: this
/// gate fails closed, unlike Studio's CDN, because a paying customer's gated content must not leak when their server
/// does. Calls go through the webhooks' address guard and are bounded in number.
/// </summary>
public sealed class AccessWebhooks(IServiceScopeFactory scopes, IHttpClientFactory httpClients,
    IOptions<AccessControlOptions> options, TimeProvider clock, ILogger<AccessWebhooks> logger) : IDisposable
{
    public const string EventName = "playback.accessControl";
    private const int MaxResponseBytes = 64 * 1024;
    private static readonly TimeSpan DefaultRefresh = TimeSpan.FromSeconds(600);
    private static readonly TimeSpan LongestRefresh = TimeSpan.FromDays(1);

    private readonly MemoryCache _answers = new(new MemoryCacheOptions { SizeLimit = options.Value.MaxCachedVerdicts });
    private readonly ConcurrentDictionary<string, Lazy<Task<AccessAnswer>>> _asking = new(StringComparer.Ordinal);
    private int _inFlight;

    public async Task<AccessAnswer> AskAsync(string playbackId, Guid projectId, PlaybackPolicy policy, string accessKey, HttpRequest viewer)
    {
        var key = $"{playbackId}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(accessKey)))}";
        if (_answers.TryGetValue(key, out AccessAnswer answer))
        {
            return answer;
        }
        var body = Body(policy, accessKey, viewer);
        var asking = _asking.GetOrAdd(key, _ => new Lazy<Task<AccessAnswer>>(() => CallAsync(key, projectId, policy, body)));
        try
        {
            return await asking.Value;
        }
        finally
        {
            _asking.TryRemove(new KeyValuePair<string, Lazy<Task<AccessAnswer>>>(key, asking));
        }
    }

    private async Task<AccessAnswer> CallAsync(string key, Guid projectId, PlaybackPolicy policy, JsonObject body)
    {
        if (Interlocked.Increment(ref _inFlight) > options.Value.MaxWebhookCallsInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            return AccessAnswer.Busy;
        }
        try
        {
            var answer = await SendAsync(projectId, policy, body);
            var keepFor = answer switch
            {
                AccessAnswer.Allowed => policy.RefreshInterval is > 0 and var s ? TimeSpan.FromSeconds(Math.Min(s, LongestRefresh.TotalSeconds)) : DefaultRefresh,
                AccessAnswer.Refused => TimeSpan.FromSeconds(options.Value.RefusalCacheSeconds),
                _ => TimeSpan.Zero,
            };
            if (keepFor > TimeSpan.Zero)
            {
                _answers.Set(key, answer, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = keepFor });
            }
            return answer;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task<AccessAnswer> SendAsync(Guid projectId, PlaybackPolicy policy, JsonObject body)
    {
        Webhook? webhook = null;
        if (Guid.TryParse(policy.WebhookId, out var webhookId))
        {
            await using var scope = scopes.CreateAsyncScope();
            webhook = await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().Webhooks.AsNoTracking()
                .FirstOrDefaultAsync(w => w.Id == webhookId && w.ProjectId == projectId && !w.Deleted);
        }
        if (webhook is null)
        {
            logger.LogWarning("Playback access webhook {WebhookId} of project {ProjectId} does not exist; viewers are refused", policy.WebhookId, projectId);
            return AccessAnswer.Unanswered;
        }
        var raw = Encoding.UTF8.GetBytes(body.ToJsonString(GatewayJson.Options));
        using var request = WebhookSignature.Post(webhook.Url, raw, string.IsNullOrEmpty(webhook.SharedSecret)
            ? null : WebhookSignature.Sign(webhook.SharedSecret, raw, body["timestamp"]!.GetValue<long>()));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.Value.WebhookTimeoutSeconds));
        try
        {
            using var response = await httpClients.CreateClient(DeliverWebhook.HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return AccessAnswer.Refused;
            }
            var head = await DeliverWebhook.ReadHeadAsync(response.Content, MaxResponseBytes, timeout.Token);
            return SaysNo(head) ? AccessAnswer.Refused : AccessAnswer.Allowed;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            logger.LogWarning("Playback access webhook {WebhookId} did not answer: {Error}", webhook.Id,
                e is OperationCanceledException ? $"timed out after {options.Value.WebhookTimeoutSeconds} s" : e.Message);
            return AccessAnswer.Unanswered;
        }
    }

    /// <summary>A 2xx whose JSON body carries <c>"ret"</c> outside 200–299 is a refusal.</summary>
    private static bool SaysNo(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("ret", out var ret) &&
                   ret.TryGetInt32(out var code) && code is < 200 or > 299;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private JsonObject Body(PlaybackPolicy policy, string accessKey, HttpRequest viewer)
    {
        var headers = new JsonObject();
        foreach (var name in new[] { "User-Agent", "Referer", "Origin", "Host", "X-Forwarded-Proto" })
        {
            if (viewer.Headers.TryGetValue(name, out var value))
            {
                headers[name] = value.ToString();
            }
        }
        return new JsonObject
        {
            ["context"] = policy.WebhookContext is { } context ? JsonNode.Parse(context.GetRawText()) : null,
            ["accessKey"] = accessKey,
            ["timestamp"] = Epoch.Ms(clock.GetUtcNow()),
            ["userIP"] = viewer.HttpContext.Connection.RemoteIpAddress?.ToString(),
            ["playDomain"] = viewer.Host.Host,
            ["playURL"] = $"{viewer.Scheme}://{viewer.Host}{viewer.Path}",
            ["headers"] = headers,
        };
    }

    public void Dispose() => _answers.Dispose();
}
