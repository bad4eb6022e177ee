using Hangfire;
using Hangfire.Dashboard;
using Hangfire.Redis.StackExchange;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Accounts;

namespace StreamGateway.Core.Jobs;

/// <summary>Hangfire on Redis, with one named queue per kind of work and two pools of workers.</summary>
public static class JobsExtensions
{
    /// <summary>
    /// The live pool's only queue. Live segment jobs get workers that nothing else can hold, and the general pool does
    /// not take them either: a busy VOD or webhook day cannot delay a segment past its deadline, a surge of live
    /// streams cannot starve webhook deliveries or VOD, and live capacity is one setting (<see cref="JobsOptions.LiveWorkers"/>)
    /// rather than whatever the other work leaves free.
    /// </summary>
    public static readonly string[] LiveQueues = ["live"];

    /// <summary>The general pool's queues in priority order: VOD, webhooks, chain transactions, the rest.</summary>
    public static readonly string[] GeneralQueues = ["vod", "webhooks", "chain", "default"];

    public static IServiceCollection AddGatewayJobs(this IServiceCollection services, bool runServer)
    {
        services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<JobSlots>();
        services.AddHostedService<JobQueueGauges>();
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
            services.AddHangfireServer((provider, options) => Pool(options, "live", LiveQueues, provider.GetRequiredService<IOptions<JobsOptions>>().Value.LiveWorkers));
            services.AddHangfireServer((provider, options) => Pool(options, "general", GeneralQueues, provider.GetRequiredService<IOptions<JobsOptions>>().Value.Workers));
        }
        return services;
    }

    private static void Pool(BackgroundJobServerOptions options, string name, string[] queues, int workers)
    {
        options.ServerName = $"{Environment.MachineName}.{name}";
        options.Queues = queues;
        options.WorkerCount = workers;
        // Delayed jobs (webhook retries, jobs waiting for a slot) are promoted by polling; the default 15 s would
        // stretch short backoffs.
        options.SchedulePollingInterval = TimeSpan.FromSeconds(1);
    }

    public static WebApplication UseGatewayJobs(this WebApplication app)
    {
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [new AdminKeyDashboardAuthorization()],
            DisplayStorageConnectionString = false,
        });
        return app;
    }
}
