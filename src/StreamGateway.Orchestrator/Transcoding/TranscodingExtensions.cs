namespace StreamGateway.Orchestrator.Transcoding;

public static class TranscodingExtensions
{
    public static IServiceCollection AddTranscoding(this IServiceCollection services)
    {
        services.AddSingleton<EncoderSelection>();
        services.AddHostedService<EncoderProbe>();
        services.AddSingleton<LadderTranscoder>();
        return services;
    }
}
