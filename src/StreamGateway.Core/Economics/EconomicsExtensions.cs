namespace StreamGateway.Core.Economics;

public static class EconomicsExtensions
{
    public static IServiceCollection AddEconomics(this IServiceCollection services)
    {
        services.AddOptions<EconomicsOptions>().BindConfiguration(EconomicsOptions.Section).ValidateDataAnnotations()
            .Validate(o => !o.Slash || !string.IsNullOrEmpty(o.SlasherPrivateKey), "Economics:Slash needs Economics:SlasherPrivateKey (the Verifier account)")
            .ValidateOnStart();
        services.AddSingleton<NetworkView>();
        services.AddSingleton<Slasher>();
        services.AddSingleton<Transcoding.IBanListener>(provider => provider.GetRequiredService<Slasher>());
        return services;
    }
}
