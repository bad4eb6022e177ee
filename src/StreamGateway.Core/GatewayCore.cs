using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Assets;
using StreamGateway.Core.Transcoding;
using StreamGateway.Core.Usage;
using StreamGateway.Core.Data;
using StreamGateway.Core.Health;
using StreamGateway.Core.Jobs;
using StreamGateway.Core.Sessions;
using StreamGateway.Core.Streams;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Core;

/// <summary>One registration pair per feature, so the host's Program reads as a table of contents.</summary>
public static class GatewayCore
{
    public static IServiceCollection AddGatewayInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.AddGatewayDatabase(configuration);
        var redis = configuration.GetConnectionString("Redis")
            ?? throw new InvalidOperationException("ConnectionStrings:Redis is not configured.");
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
        return services;
    }

    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyAuthentication>();
        services.AddScoped<AccountAdmin>();
        return services;
    }

    public static IServiceCollection AddAssets(this IServiceCollection services)
    {
        services.AddOptions<Assets.AssetOptions>().BindConfiguration(Assets.AssetOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Assets.UploadTokens>();
        services.AddSingleton<Assets.AssetStorage>();
        services.AddSingleton<Assets.AssetEvents>();
        services.AddScoped<Assets.DirectUpload>();
        services.AddScoped<Assets.TusUploads>();
        services.AddScoped<Assets.AssetUploads>();
        services.AddScoped<Assets.ProcessAsset>();
        services.AddSingleton<Assets.SessionRecordings>();
        services.AddSingleton<Sessions.SessionSegments>();
        services.AddScoped<Assets.ClipAsset>();
        services.AddScoped<Assets.DropLiveCopies>();
        services.AddSingleton<Assets.VodDownloads>();
        services.AddHostedService<Assets.AssetWatchdog>();
        services.AddScoped<Assets.ImportAsset>();
        services.AddHttpClient(Assets.ImportAsset.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                MaxAutomaticRedirections = 5,
                // Every connection, redirects included, is checked: no private or loopback address unless allowed.
                ConnectCallback = WebhookAddressGuard.ConnectCallback(
                    provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Assets.AssetOptions>>().Value.AllowPrivateUrls, "fetch from"),
            })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }

    public static IServiceCollection AddStreams(this IServiceCollection services)
    {
        services.AddScoped<CreateStream>();
        services.AddScoped<UpdateStream>();
        services.AddScoped<SetStreamActive>();
        services.AddScoped<StreamActivity>();
        return services;
    }

    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WebhookOutbox>();
        services.AddScoped<DispatchWebhookEvent>();
        services.AddScoped<SweepWebhookOutbox>();
        services.AddScoped<DeliverWebhook>();
        services.AddHttpClient(DeliverWebhook.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                ConnectCallback = WebhookAddressGuard.ConnectCallback(
                    provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value.AllowPrivateAddresses),
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }

    /// <summary>The authenticated Studio-compatible API under <c>/api</c>.</summary>
    public static RouteGroupBuilder MapGatewayApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter<RequireApiKey>();
        api.MapStreams();
        api.MapWebhooks();
        api.MapApiTokens();
        api.MapSessions();
        api.MapOrchestrators();
        api.MapUsage();
        api.MapAssets();
        Assets.ClipEndpoints.MapClips(api);
        app.MapAssetUploads();
        return api;
    }
}
