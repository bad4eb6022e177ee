using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace StreamGateway.Core.Accounts;

/// <summary>An API key's <c>access</c> (studio-api §1.5): whether browsers may use it, from where, and for what.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiKeyAccess
{
    public ApiKeyCors? Cors { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ApiKeyCors
{
    public List<string>? AllowedOrigins { get; set; }
    /// <summary>False (the default) limits the key to <see cref="CorsKeyRules"/>: a browser app's key cannot delete streams.</summary>
    public bool FullAccess { get; set; }
}

/// <summary>
/// What a CORS-enabled API key may do (studio-api §1.5): with <c>fullAccess</c> anything its project may, from an allowed
/// origin; otherwise only the calls a browser app needs (create a stream or an upload, read and patch one stream or
/// asset, read sessions and tasks, see playback). Pure.
/// </summary>
public static partial class CorsKeyRules
{
    public const int MaxOrigins = 100;
    public static string OriginRefused(string origin) => $"credential disallows CORS access from origin {origin}";
    public const string Restricted = "access forbidden for CORS-enabled API key with restricted access";

    /// <summary>(method, route with parameters as <c>*</c>) under <c>/api</c>.</summary>
    private static readonly HashSet<(string, string)> Allowed =
    [
        ("GET", "/stream/*/sessions"), ("GET", "/stream/sessions/*"), ("GET", "/session/*"),
        ("GET", "/stream/*"), ("PATCH", "/stream/*"), ("GET", "/multistream/target/*"), ("PATCH", "/multistream/target/*"),
        ("POST", "/stream"), ("POST", "/multistream/target"),
        ("GET", "/task/*"),
        ("GET", "/asset/*"), ("PATCH", "/asset/*"),
        ("POST", "/asset/upload/url"), ("POST", "/asset/request-upload"), ("POST", "/asset/*/export"),
        ("GET", "/data/views/*/total"), ("GET", "/data/views/query/total/*"), ("GET", "/data/views/query/creator"),
        ("POST", "/experiment/-/attestation"),
    ];

    /// <param name="route">The matched endpoint's route pattern, e.g. <c>/api/stream/{id}</c>.</param>
    public static bool Allows(string method, string route)
    {
        var path = Parameter().Replace(route, "*").TrimEnd('/');
        path = path.StartsWith("/api/", StringComparison.Ordinal) ? path[4..] : path;
        return Allowed.Contains((method.ToUpperInvariant(), path));
    }

    /// <summary>Whether a browser at <paramref name="origin"/> may use a key allowing <paramref name="allowed"/>.</summary>
    public static bool AllowsOrigin(IReadOnlyCollection<string> allowed, string origin) =>
        allowed.Contains("*") || allowed.Any(a => string.Equals(a.TrimEnd('/'), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));

    /// <summary>Errors in an <c>access</c> given to a new key, as 422 messages.</summary>
    public static IEnumerable<string> Check(ApiKeyAccess access)
    {
        if (access.Cors is not { } cors)
        {
            yield break;
        }
        var origins = cors.AllowedOrigins ?? [];
        if (origins.Count > MaxOrigins)
        {
            yield return $"access.cors.allowedOrigins: at most {MaxOrigins} origins";
        }
        foreach (var origin in origins.Take(MaxOrigins))
        {
            if (!IsOrigin(origin))
            {
                yield return $"access.cors.allowedOrigins: {Shorten(origin)} is not an origin (scheme://host[:port], or *)";
            }
        }
    }

    /// <summary><c>*</c>, or an http(s) origin with no path, query or user.</summary>
    public static bool IsOrigin(string? origin) =>
        origin == "*" || (origin is { Length: <= 300 } && Uri.TryCreate(origin, UriKind.Absolute, out var uri) &&
                          uri.Scheme is "http" or "https" && uri.UserInfo.Length == 0 &&
                          string.Equals(uri.GetLeftPart(UriPartial.Authority), origin.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));

    private static string Shorten(string? text) => text is null ? "null" : text.Length > 60 ? text[..60] + "…" : text;

    [GeneratedRegex(@"\{[^}]+\}", RegexOptions.CultureInvariant)]
    private static partial Regex Parameter();
}
