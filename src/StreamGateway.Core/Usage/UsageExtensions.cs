namespace StreamGateway.Core.Usage;

public static class UsageExtensions
{
    /// <summary>Usage metering: what the live path and VOD processing record per project, hour and stream or asset.</summary>
    public static IServiceCollection AddUsage(this IServiceCollection services)
    {
        services.AddSingleton<UsageRecorder>();
        return services;
    }
}
