namespace StreamGateway.Core.Streams;

public static class StreamsExtensions
{
    /// <summary>Streams: create, update, activity (stream.started / stream.idle), and the media limits every profile and source meets.</summary>
    public static IServiceCollection AddStreams(this IServiceCollection services)
    {
        services.AddOptions<MediaLimitsOptions>().BindConfiguration(MediaLimitsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<MultistreamOptions>().BindConfiguration(MultistreamOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<CreateStream>();
        services.AddScoped<UpdateStream>();
        services.AddScoped<SetStreamActive>();
        services.AddScoped<StreamActivity>();
        services.AddOptions<StreamCacheOptions>().BindConfiguration(StreamCacheOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<StreamReadCache>();
        services.AddHostedService(provider => provider.GetRequiredService<StreamReadCache>());
        services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor, StreamWriteInterceptor>();
        return services;
    }
}
