using Microsoft.AspNetCore.Http;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Accounts;

/// <summary>Endpoint filter for the authenticated <c>/api</c> routes.</summary>
public sealed class RequireApiKey(ApiKeyAuthentication authentication) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var (caller, error) = await authentication.AuthenticateAsync(context.HttpContext);
        if (caller is null)
        {
            return ApiError.Unauthorized(error!);
        }
        caller.AttachTo(context.HttpContext);
        return await next(context);
    }
}
