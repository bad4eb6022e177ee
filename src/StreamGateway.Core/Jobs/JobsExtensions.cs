using Hangfire;
using Hangfire.Dashboard;
using Hangfire.Redis.StackExchange;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Webhooks;

namespace StreamGateway.Core.Jobs;

/// <summary>Hangfire on Redis, with one named queue per kind of work.</summary>
public static class JobsExtensions
{
    /// <summary>Queue names in priority order: live segments first, then VOD, webhooks, chain transactions.</summary>
    public static readonly string[] Queues = ["live", "vod", "webhooks", "chain", "default"];

    public static IServiceCollection AddGatewayJobs(this IServiceCollection services, bool runServer)
    {
        services.AddHangfire((provider, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseRedisStorage(provider.GetRequiredService<IConnectionMultiplexer>(),
                // The jobs live in the same Redis database as the rest of the gateway's keys (defaultDatabase in the
                // connection string), so gateways sharing one Redis server on different databases stay apart.
                new RedisStorageOptions { Prefix = "sg:hangfire:", Db = provider.GetRequiredService<IConnectionMultiplexer>().GetDatabase().Database }));
        // With antiforgery registered, the dashboard puts a token in its forms and refuses a POST without it.
        services.AddAntiforgery();
        if (runServer)
        {
            services.AddHangfireServer(options =>
            {
                options.Queues = Queues;
                options.WorkerCount = Math.Max(8, Environment.ProcessorCount * 4);
                // Delayed jobs (webhook retries) are promoted by polling; the default 15 s would stretch short backoffs.
                options.SchedulePollingInterval = TimeSpan.FromSeconds(1);
            });
        }
        return services;
    }

    public static WebApplication UseGatewayJobs(this WebApplication app)
    {
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [new AdminKeyDashboardAuthorization()],
            DisplayStorageConnectionString = false,
        });
        app.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<SweepWebhookOutbox>(
            "webhook-outbox-sweep", job => job.RunAsync(CancellationToken.None), Cron.Minutely());
        return app;
    }
}
