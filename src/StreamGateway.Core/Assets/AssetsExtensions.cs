using Microsoft.Extensions.Options;
using StreamGateway.Core.Http;
using StreamGateway.Core.Jobs;

namespace StreamGateway.Core.Assets;

public static class AssetsExtensions
{
    /// <summary>Video on demand: uploads (direct and tus), URL imports, processing, recordings, clips, downloads and the watchdog.</summary>
    public static IServiceCollection AddAssets(this IServiceCollection services)
    {
        services.AddOptions<AssetOptions>().BindConfiguration(AssetOptions.Section).ValidateDataAnnotations()
            .Validate<IOptions<JobsOptions>>((o, jobs) => o.MaxConcurrentImportsPerNode < jobs.Value.Workers,
                "Assets:MaxConcurrentImportsPerNode must be below Jobs:Workers, or imports could hold every general worker")
            .ValidateOnStart();
        services.AddSingleton<UploadTokens>();
        services.AddSingleton<AssetStorage>();
        services.AddSingleton<AssetEvents>();
        services.AddScoped<DirectUpload>();
        services.AddScoped<TusUploads>();
        services.AddScoped<AssetUploads>();
        services.AddScoped<UploadLimits>();
        services.AddScoped<ProcessAsset>();
        services.AddSingleton<SessionRecordings>();
        services.AddSingleton<Live.ILiveRecorder>(provider => provider.GetRequiredService<SessionRecordings>());
        services.AddSingleton<Sessions.ISessionRecordings>(provider => provider.GetRequiredService<SessionRecordings>());
        services.AddSingleton<Live.SessionSegments>();
        services.AddScoped<ClipAsset>();
        services.AddScoped<DropLiveCopies>();
        services.AddSingleton<VodDownloads>();
        services.AddScoped<VodPipeline>();
        services.AddScoped<TranscodeFile>();
        services.AddSingleton<TaskCredentials>();
        services.AddHostedService<AssetWatchdog>();
        services.AddScoped<ImportAsset>();
        services.AddHttpClient(ImportAsset.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                // Every connection, redirects included, is checked: no private or loopback address unless allowed.
                var handler = AddressGuard.CreateHandler(provider.GetRequiredService<IOptions<AssetOptions>>().Value.AllowPrivateUrls, "fetch from");
                handler.MaxAutomaticRedirections = 5;
                return handler;
            })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }
}
