using Hangfire;
using Hangfire.Dashboard;
using Hangfire.Redis.StackExchange;
using Microsoft.AspNetCore.Http;
using StreamGateway.Core.Accounts;

namespace StreamGateway.Core.Jobs;

/// <summary>
/// The dashboard is for admins: a browser signs in with HTTP Basic (any user name, an admin API key as the
/// password); scripts may send <c>Authorization: Bearer &lt;admin key&gt;</c>.
/// </summary>
internal sealed class AdminKeyDashboardAuthorization : IDashboardAsyncAuthorizationFilter
{
    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        var http = context.GetHttpContext();
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

    private static bool Challenge(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"StreamGateway admin\"";
        return false;
    }
}
