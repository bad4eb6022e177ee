using Microsoft.Extensions.Options;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Webhooks;

public static class WebhooksExtensions
{
    /// <summary>Webhooks: the outbox, its dispatch and signed delivery through a client that refuses private addresses.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WebhookOutbox>();
        services.AddScoped<DispatchWebhookEvent>();
        services.AddScoped<SweepWebhookOutbox>();
        services.AddScoped<DeliverWebhook>();
        services.AddHttpClient(DeliverWebhook.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => CreateHandler(provider.GetRequiredService<IOptions<WebhookOptions>>().Value))
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }

    /// <summary>The handler every delivery goes through: guarded addresses, no proxy, no redirects.</summary>
    public static SocketsHttpHandler CreateHandler(WebhookOptions options)
    {
        var handler = AddressGuard.CreateHandler(options.AllowPrivateAddresses, "deliver to");
        handler.AllowAutoRedirect = false;
        // An answer is read only up to MaxResponseBytes; the connection is then closed rather than drained.
        handler.MaxResponseDrainSize = 0;
        handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2);
        return handler;
    }
}
