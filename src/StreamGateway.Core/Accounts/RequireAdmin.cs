using Microsoft.AspNetCore.Http;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Accounts;

/// <summary>Endpoint filter for admin-only routes; a non-admin sees the route as missing.</summary>
public sealed class RequireAdmin : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Caller.From(context.HttpContext).IsAdmin ? await next(context) : ApiError.Forbidden("admin access required");
}
