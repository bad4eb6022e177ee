using Microsoft.Extensions.Configuration;

namespace StreamGateway.Core.Storage;

public static class StorageExtensions
{
    /// <summary>The segment store every feature keeps media in: a local directory by default, or S3 (<c>Storage:Backend</c>).</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (configuration.GetValue<string>($"{StorageOptions.Section}:{nameof(StorageOptions.Backend)}") == "s3")
        {
            services.AddSingleton<ISegmentStore, S3SegmentStore>();
        }
        else
        {
            services.AddSingleton<ISegmentStore, LocalSegmentStore>();
        }
        return services;
    }
}
