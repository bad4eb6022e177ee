namespace StreamGateway.Core.Streams;

public static class StreamsExtensions
{
    /// <summary>Streams: create, update, activity (stream.started / stream.idle).</summary>
    public static IServiceCollection AddStreams(this IServiceCollection services)
    {
        services.AddScoped<CreateStream>();
        services.AddScoped<UpdateStream>();
        services.AddScoped<SetStreamActive>();
        services.AddScoped<StreamActivity>();
        return services;
    }
}
