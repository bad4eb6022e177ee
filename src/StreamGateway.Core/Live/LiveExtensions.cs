namespace StreamGateway.Core.Live;

public static class LiveExtensions
{
    /// <summary>
    /// The live path: RTMP ingest (when <paramref name="listen"/>), publish authorisation, segmenting, live playlist
    /// state, the session segment log, the live transcode job, the end of sessions (lost ones included) and pulled streams.
    /// </summary>
    public static IServiceCollection AddLive(this IServiceCollection services, bool listen)
    {
        services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.MaxBufferedBytesPerConnection >= o.MaxMessageBytes,
                "Ingest:MaxBufferedBytesPerConnection must be at least Ingest:MaxMessageBytes")
            .ValidateOnStart();
        services.AddOptions<HlsOptions>().BindConfiguration(HlsOptions.Section).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.SegmentBaseUrl) || (Uri.TryCreate(o.SegmentBaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"),
                "Hls:SegmentBaseUrl must be an absolute http(s) URL")
            .ValidateOnStart();
        services.AddSingleton<LivePlaylists>();
        services.AddSingleton<SessionSegments>();
        services.AddSingleton<LiveRenditions>();
        services.AddSingleton<LiveStatistics>();
        services.AddSingleton<LiveSessionEnd>();
        services.AddSingleton<StreamKeys>();
        services.AddSingleton<IngestConnections>();
        services.AddSingleton<FailedKeyLimiter>();
        services.AddSingleton<LivePublishers>();
        services.AddSingleton<NodeActivity>();
        services.AddHostedService(provider => provider.GetRequiredService<LivePublishers>());
        services.AddSingleton<LiveSegmenterFactory>();
        services.AddSingleton<LiveIngest>();
        services.AddSingleton<Streams.ILiveControl, LiveControl>();
        services.AddSingleton<LiveTranscoding>();
        services.AddTransient<LiveTranscodeJob>();
        services.AddTransient<EndOrchestratorSessions>();
        services.AddHostedService<LostSessionSweep>();
        services.AddHostedService<StalledRenditionSweep>();
        services.AddOptions<PullOptions>().BindConfiguration(PullOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (listen)
        {
            services.AddHostedService<RtmpListener>();
            // A pull publishes to this node's own ingest, so only a node that listens pulls.
            services.AddHostedService<StreamPulls>();
        }
        return services;
    }
}
