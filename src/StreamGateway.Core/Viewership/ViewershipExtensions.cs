namespace StreamGateway.Core.Viewership;

public static class ViewershipExtensions
{
    /// <summary>Viewership: counting viewers as they watch, rolling ended sessions up by the hour, and the metrics API over both.</summary>
    public static IServiceCollection AddViewership(this IServiceCollection services)
    {
        services.AddOptions<ViewershipOptions>().BindConfiguration(ViewershipOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ViewTracker>();
        services.AddHostedService(provider => provider.GetRequiredService<ViewTracker>());
        services.AddSingleton<ViewRollup>();
        services.AddHostedService(provider => provider.GetRequiredService<ViewRollup>());
        return services;
    }
}
