using Hangfire;
using Hangfire.Dashboard;
using Hangfire.Redis.StackExchange;
using Microsoft.AspNetCore.Http;
using StreamGateway.Core.Accounts;

namespace StreamGateway.Core.Jobs;

/// <summary>
/// The dashboard is for admins: a browser signs in with HTTP Basic (any user name, an admin API key as the
/// password); scripts may send <c>Authorization: Bearer &lt;admin key&gt;</c>. A browser sends Basic credentials with
/// any request to this host, so a request another site started (<c>Sec-Fetch-Site</c> cross-site or same-site, or an
/// <c>Origin</c> that is not this host) is refused whoever sent it; the dashboard's own forms also carry an
/// antiforgery token, which Hangfire checks on every POST.
/// </summary>
internal sealed class AdminKeyDashboardAuthorization : IDashboardAsyncAuthorizationFilter
{
    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (IsCrossSite(http.Request))
        {
            return false;
        }
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                http.Request.Headers.Authorization = "Bearer " + (colon >= 0 ? decoded[(colon + 1)..] : decoded);
            }
            catch (FormatException)
            {
                return Challenge(http);
            }
        }
        var (caller, _) = await http.RequestServices.GetRequiredService<ApiKeyAuthentication>().AuthenticateAsync(http);
        return caller is { IsAdmin: true } || Challenge(http);
    }

    private static bool IsCrossSite(HttpRequest request)
    {
        if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
        {
            return true;
        }
        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0 &&
               !(Uri.TryCreate(origin, UriKind.Absolute, out var from) && string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    private static bool Challenge(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"StreamGateway admin\"";
        return false;
    }
}
