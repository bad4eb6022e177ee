using Nethereum.Web3.Accounts;

namespace StreamGateway.Orchestrator.Chain;

public static class ChainExtensions
{
    public static IServiceCollection AddChainRegistration(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChainOptions>().BindConfiguration(ChainOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OrchestratorAccount>();
        if (!string.IsNullOrEmpty(configuration[$"{ChainOptions.Section}:RpcUrl"]))
        {
            services.AddHostedService<ChainRegistration>();
            services.AddHostedService<RoundKeeper>();
            // The orchestrator's address is the chain account's, so OrchestratorInfo.address matches the pool.
            services.PostConfigure<OrchestratorOptions>(o =>
            {
                if (string.IsNullOrEmpty(o.EthereumAddress) && configuration[$"{ChainOptions.Section}:PrivateKey"] is { Length: > 0 } key)
                {
                    o.EthereumAddress = new Account(key).Address;
                }
            });
        }
        return services;
    }
}
