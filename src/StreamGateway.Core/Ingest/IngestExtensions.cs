using Microsoft.Extensions.Options;
using StreamGateway.Core.Hls;
using StreamGateway.Core.Playback;
using StreamGateway.Core.Storage;

namespace StreamGateway.Core.Ingest;

public static class IngestExtensions
{
    /// <summary>RTMP ingest, live segmenting, the segment store and live playlist state.</summary>
    public static IServiceCollection AddLiveIngest(this IServiceCollection services, bool listen)
    {
        services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HlsOptions>().BindConfiguration(HlsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GatewayUrlOptions>().BindConfiguration(GatewayUrlOptions.Section);
        services.AddSingleton<ISegmentStore, LocalSegmentStore>();
        services.AddSingleton<LivePlaylists>();
        services.AddSingleton<StreamKeys>();
        services.AddSingleton<LivePublishers>();
        services.AddHostedService(provider => provider.GetRequiredService<LivePublishers>());
        services.AddSingleton<LiveSegmenterFactory>();
        services.AddSingleton<LiveIngest>();
        if (listen)
        {
            services.AddHostedService<RtmpListener>();
        }
        return services;
    }

    /// <summary>Called after a stream changes: forget its cached key, and drop its publisher when it may no longer publish.</summary>
    public static async Task StreamChangedAsync(this StreamKeys keys, LivePublishers publishers, Streams.LiveStream stream, bool dropPublisher)
    {
        await keys.ForgetAsync(stream.StreamKey);
        if (dropPublisher)
        {
            await publishers.KickAsync(stream.Id);
        }
    }
}
