using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace StreamGateway.Orchestrator;

/// <summary>
/// Keeps an endpoint to the operator: the request must carry <see cref="OrchestratorOptions.AdminToken"/> as a bearer
/// token. A node without a token configured has no such endpoints at all (404), so it is closed unless opened.
/// </summary>
public sealed class AdminOnly(IOptions<OrchestratorOptions> options) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        return Refusal(http, options.Value.AdminToken) switch
        {
            null => next(context),
            (404, _) => ValueTask.FromResult<object?>(TypedResults.NotFound()),
            var (status, message) => ValueTask.FromResult<object?>(TypedResults.Text(message, statusCode: status)),
        };
    }

    /// <summary>
    /// Null when the request carries <paramref name="secret"/> as its bearer token; else the status and message to
    /// answer (404 when no token is configured, 401 with a challenge otherwise).
    /// </summary>
    public static (int Status, string Message)? Refusal(HttpContext http, string? secret)
    {
        if (secret is not { Length: > 0 })
        {
            return (StatusCodes.Status404NotFound, "not found\n");
        }
        string? presented = http.Request.Headers.Authorization;
        if (presented is null || !presented.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || !Matches(presented[Scheme.Length..], secret))
        {
            http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
            return (StatusCodes.Status401Unauthorized, "this endpoint needs the operator's admin token\n");
        }
        return null;
    }

    /// <summary>Compares digests, so neither the content nor the length of the secret shows in the time taken.</summary>
    private static bool Matches(string presented, string secret) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented.Trim())), SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
