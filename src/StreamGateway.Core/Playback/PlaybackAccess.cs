using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using StreamGateway.Core.AccessControl;

namespace StreamGateway.Core.Playback;

/// <summary>
/// A viewer's request let in or refused. <paramref name="Grant"/> is put in the child URLs of what is served, so the
/// player needs nothing more; <paramref name="AllowOrigin"/> is the CORS answer (the viewer's origin for content
/// with an origin list, else <c>*</c>).
/// </summary>
public readonly record struct AccessDecision(int Status, string? Refusal, string? Grant, string AllowOrigin)
{
    public bool Allowed => Refusal is null;
}

/// <summary>
/// Enforces a playback policy (studio-api §5) on every playback request: the origin list first, then a grant of ours
/// (<see cref="PlaybackGrants"/>), else the viewer's credential, a JWT (<c>?jwt=</c> or <c>Livepeer-Jwt</c>) or an
/// access key (<c>?accessKey=</c> or <c>Livepeer-Access-Key</c>). No credential is 401; a wrong one 403 with the reason.
/// </summary>
public sealed class PlaybackAccess(ViewerTokens tokens, PlaybackGrants grants, AccessWebhooks webhooks, SigningKeys keys,
    IOptions<AccessControlOptions> options)
{
    public const string JwtHeader = "Livepeer-Jwt";
    public const string AccessKeyHeader = "Livepeer-Access-Key";
    public const string JwtQuery = "jwt";
    public const string AccessKeyQuery = "accessKey";

    public static readonly AccessDecision Public = new(StatusCodes.Status200OK, null, null, "*");

    public async ValueTask<AccessDecision> CheckAsync(HttpContext http, string playbackId, PlaybackTarget target, CancellationToken ct)
    {
        if (target.Policy is not { } policy)
        {
            return Public;
        }
        var allowOrigin = "*";
        if (policy.AllowedOrigins is { Count: > 0 } origins)
        {
            var origin = ViewerOrigin(http.Request);
            if (!origins.Contains("*") && (origin is null || !origins.Contains(origin, StringComparer.OrdinalIgnoreCase)))
            {
                return Refuse(StatusCodes.Status403Forbidden, origin is null
                    ? "this content may only be played from its allowed origins, and the request names none"
                    : $"this content may not be played from origin {origin}", origin);
            }
            allowOrigin = origin ?? "*";
        }
        if (policy.Type is null or "public")
        {
            return Public with { AllowOrigin = allowOrigin };
        }
        var kind = policy.Type == "jwt" ? PlaybackGrants.Jwt : PlaybackGrants.Webhook;
        var request = http.Request;
        if (request.Query[PlaybackGrants.QueryName] is { Count: 1 } given && given[0] is { } grantText)
        {
            var grant = await grants.ReadAsync(playbackId, grantText);
            if (grant is not { } g || g.Kind != kind || (g.KeyId is { } keyId && !await KeyEnabledAsync(target.ProjectId, keyId, ct)))
            {
                return Refuse(StatusCodes.Status403Forbidden, "the playback grant in this URL is not valid any more; load the stream again with a credential", allowOrigin);
            }
            return new AccessDecision(StatusCodes.Status200OK, null, grantText, allowOrigin);
        }
        if (kind == PlaybackGrants.Jwt)
        {
            var jwt = Credential(request, JwtQuery, JwtHeader);
            if (jwt is null)
            {
                return Refuse(StatusCodes.Status401Unauthorized, $"this content needs a viewer JWT, as ?{JwtQuery}= or the {JwtHeader} header", allowOrigin);
            }
            var verdict = await tokens.CheckAsync(jwt, playbackId, target.ProjectId, ct);
            return verdict.Refusal is { } why
                ? Refuse(StatusCodes.Status403Forbidden, why, allowOrigin)
                : new AccessDecision(StatusCodes.Status200OK, null, await grants.IssueAsync(playbackId, new PlaybackGrant(kind, verdict.KeyId)), allowOrigin);
        }
        var accessKey = Credential(request, AccessKeyQuery, AccessKeyHeader);
        if (accessKey is null)
        {
            return Refuse(StatusCodes.Status401Unauthorized, $"this content needs an access key, as ?{AccessKeyQuery}= or the {AccessKeyHeader} header", allowOrigin);
        }
        if (accessKey.Length > options.Value.MaxCredentialLength)
        {
            return Refuse(StatusCodes.Status403Forbidden, "the access key is too long", allowOrigin);
        }
        return await webhooks.AskAsync(playbackId, target.ProjectId, policy, accessKey, request) switch
        {
            AccessAnswer.Allowed => new AccessDecision(StatusCodes.Status200OK, null, await grants.IssueAsync(playbackId, new PlaybackGrant(kind, null)), allowOrigin),
            AccessAnswer.Refused => Refuse(StatusCodes.Status403Forbidden, "the access key was refused", allowOrigin),
            AccessAnswer.Busy => Refuse(StatusCodes.Status503ServiceUnavailable, "too many access checks in flight; try again", allowOrigin),
            _ => Refuse(StatusCodes.Status502BadGateway, "the content's access check did not answer, so playback is refused", allowOrigin),
        };
    }

    private async ValueTask<bool> KeyEnabledAsync(Guid projectId, Guid keyId, CancellationToken ct) =>
        (await keys.OfProjectAsync(projectId, ct)).Any(k => k.Id == keyId && !k.Disabled);

    private static AccessDecision Refuse(int status, string why, string? origin) => new(status, why, null, origin ?? "*");

    private static string? Credential(HttpRequest request, string query, string header) =>
        request.Query[query] is { Count: > 0 } q && !string.IsNullOrEmpty(q[0]) ? q[0]
        : request.Headers[header] is { Count: > 0 } h && !string.IsNullOrEmpty(h[0]) ? h[0]
        : null;

    /// <summary>The page's origin: <c>Origin</c>, or the origin of <c>Referer</c> where Origin is absent or "null".</summary>
    public static string? ViewerOrigin(HttpRequest request)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && origin != "null")
        {
            return origin.TrimEnd('/');
        }
        return Uri.TryCreate(request.Headers.Referer.ToString(), UriKind.Absolute, out var referer) && referer.Scheme is "http" or "https"
            ? referer.GetLeftPart(UriPartial.Authority)
            : null;
    }
}
