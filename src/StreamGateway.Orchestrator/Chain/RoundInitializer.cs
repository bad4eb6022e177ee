using Microsoft.Extensions.Options;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using StreamGateway.Network.Chain;

namespace StreamGateway.Orchestrator.Chain;

/// <summary>
/// With <see cref="ChainOptions.InitializeRounds"/>, checks every few seconds whether the current round is initialized
/// and initializes it if not. Another node may win the race; a reverted call is then harmless and only logged.
/// </summary>
public sealed class RoundInitializer(IOptions<ChainOptions> chain, ILogger<RoundInitializer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = chain.Value;
        if (!o.InitializeRounds || string.IsNullOrEmpty(o.Controller) || string.IsNullOrEmpty(o.PrivateKey))
        {
            return;
        }
        var web3 = new Web3(new Account(o.PrivateKey), o.RpcUrl);
        string? roundsManager = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                roundsManager ??= (await new LivepeerPool(web3).ResolveAsync(o.Controller)).RoundsManager;
                if (!await web3.Eth.GetContractQueryHandler<CurrentRoundInitializedFunction>()
                        .QueryAsync<bool>(roundsManager, new CurrentRoundInitializedFunction()))
                {
                    await ChainRegistration.SendAsync(web3, roundsManager, new InitializeRoundFunction());
                    var round = await web3.Eth.GetContractQueryHandler<CurrentRoundFunction>()
                        .QueryAsync<System.Numerics.BigInteger>(roundsManager, new CurrentRoundFunction());
                    logger.LogInformation("Initialized round {Round}", round);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Round initialization failed: {Error}", e.Message);
            }
            await Task.Delay(TimeSpan.FromSeconds(o.RoundPollSeconds), stoppingToken);
        }
    }
}
