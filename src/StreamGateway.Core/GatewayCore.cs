using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

namespace StreamGateway.Core;

/// <summary>
/// What every feature stands on: the clock, the database, Redis, the public URL settings and the <c>/api</c> group.
/// Each feature registers itself (<c>AddX</c>) and maps its own endpoints (<c>MapX</c>) from its folder.
/// </summary>
public static class GatewayCore
{
    public static IServiceCollection AddGatewayInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddGatewayDatabase(configuration);
        services.AddOptions<DurableWriteOptions>().BindConfiguration(DurableWriteOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DurableWrites>();
        services.AddHostedService(provider => provider.GetRequiredService<DurableWrites>());
        var redis = configuration.GetConnectionString("Redis")
            ?? throw new InvalidOperationException("ConnectionStrings:Redis is not configured.");
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
        // In production every URL the gateway hands out or stores is built from the configured public URL, never from
        // a request's Host header (which the client chooses).
        services.AddOptions<GatewayUrlOptions>().BindConfiguration(GatewayUrlOptions.Section)
            .Validate<IHostEnvironment>((o, env) => !env.IsProduction() || Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out _),
                "Gateway:PublicBaseUrl must be set to the gateway's public URL (e.g. https://video.example.com) in production")
            .ValidateOnStart();
        return services;
    }

    /// <summary>The authenticated Studio-compatible API under <c>/api</c>: every feature maps its endpoints into this group.</summary>
    public static RouteGroupBuilder MapGatewayApi(this WebApplication app) => app.MapGroup("/api").AddEndpointFilter<RequireApiKey>();
}
