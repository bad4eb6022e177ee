using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Http;
using StreamGateway.Core.Jobs;

namespace StreamGateway.Core.Webhooks;

public static class WebhooksExtensions
{
    /// <summary>Webhooks: the outbox, its dispatch and signed delivery through a client that refuses private addresses.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateDataAnnotations()
            .Validate<IOptions<JobsOptions>>((o, jobs) => o.MaxConcurrentDeliveriesPerNode < jobs.Value.Workers,
                "Webhooks:MaxConcurrentDeliveriesPerNode must be below Jobs:Workers, or deliveries could hold every general worker")
            .ValidateOnStart();
        services.AddSingleton<WebhookOutbox>();
        services.AddScoped<DispatchWebhookEvent>();
        services.AddHostedService<WebhookOutboxSweep>();
        services.AddScoped<DeliverWebhook>();
        services.AddHttpClient(DeliverWebhook.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => CreateHandler(provider.GetRequiredService<IOptions<WebhookOptions>>().Value))
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }

    /// <summary>The outbox's safety net is <see cref="WebhookOutboxSweep"/>; the recurring job that was one before goes.</summary>
    public static WebApplication UseWebhooks(this WebApplication app)
    {
        app.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists("webhook-outbox-sweep");
        return app;
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
