using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Accounts;

/// <summary>
/// Endpoint filter for the authenticated <c>/api</c> routes: the key is checked, then its rate limit. An address that
/// failed to authenticate too often this minute is answered from the key cache only, with 429 for anything else.
/// </summary>
public sealed class RequireApiKey(ApiKeyAuthentication authentication, ApiRateLimits limits) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var address = http.Connection.RemoteIpAddress ?? IPAddress.None;
        var blocked = limits.FailuresExhausted(address);
        var (caller, error) = await authentication.AuthenticateAsync(http, lookUp: blocked is null);
        if (caller is null)
        {
            if (blocked is { } wait)
            {
                return TooMany(http, wait, "too many failed authentication attempts from this address");
            }
            limits.CountFailure(address);
            return ApiError.Unauthorized(error!);
        }
        if (limits.TakeRequest(caller.TokenId) is { } after)
        {
            return TooMany(http, after, "rate limit exceeded for this API key");
        }
        if (caller.Cors is { } cors && CorsRefusal(http, cors) is { } refusal)
        {
            return refusal;
        }
        caller.AttachTo(http);
        return await next(context);
    }

    /// <summary>
    /// A CORS-enabled key (studio-api §1.5) answers only to its origins, and with restricted access only on the calls a
    /// browser app needs; its answers carry the CORS headers a browser wants. A key without CORS gets none, so a page
    /// elsewhere cannot read what it returns.
    /// </summary>
    private static IResult? CorsRefusal(HttpContext http, ApiKeyCors cors)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            if (!CorsKeyRules.AllowsOrigin(cors.AllowedOrigins ?? [], origin))
            {
                return ApiError.Forbidden(CorsKeyRules.OriginRefused(origin));
            }
            var headers = http.Response.Headers;
            headers.AccessControlAllowOrigin = origin;
            headers.Vary = "Origin";
            headers.AccessControlExposeHeaders = "Link, X-Total-Count, Location";
        }
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? http.Request.Path.Value ?? "";
        return cors.FullAccess || CorsKeyRules.Allows(http.Request.Method, route) ? null : ApiError.Forbidden(CorsKeyRules.Restricted);
    }

    private static IResult TooMany(HttpContext http, TimeSpan after, string message)
    {
        var seconds = (int)Math.Max(1, Math.Ceiling(after.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiError.TooManyRequests($"{message}; retry after {seconds} s");
    }
}
