using Microsoft.Extensions.Options;

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
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                ConnectCallback = WebhookAddressGuard.ConnectCallback(
                    provider.GetRequiredService<IOptions<WebhookOptions>>().Value.AllowPrivateAddresses),
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }
}
