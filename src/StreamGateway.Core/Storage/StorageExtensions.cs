namespace StreamGateway.Core.Storage;

public static class StorageExtensions
{
    /// <summary>The segment store every feature keeps media in (a local directory by default).</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ISegmentStore, LocalSegmentStore>();
        return services;
    }
}
