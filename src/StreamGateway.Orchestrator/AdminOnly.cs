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
        if (options.Value.AdminToken is not { Length: > 0 } secret)
        {
            return ValueTask.FromResult<object?>(TypedResults.NotFound());
        }
        var http = context.HttpContext;
        string? presented = http.Request.Headers.Authorization;
        if (presented is null || !presented.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || !Matches(presented[Scheme.Length..], secret))
        {
            http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
            return ValueTask.FromResult<object?>(TypedResults.Text("this endpoint needs the operator's admin token\n", statusCode: StatusCodes.Status401Unauthorized));
        }
        return next(context);
    }

    /// <summary>Compares digests, so neither the content nor the length of the secret shows in the time taken.</summary>
    private static bool Matches(string presented, string secret) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented.Trim())), SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
