using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Options;
using Nethereum.Contracts;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using StreamGateway.Network.Chain;

namespace StreamGateway.Orchestrator.Chain;

/// <summary>
/// At start, makes the chain say what the configuration says (livepeer-protocol §4.2–4.3): tops the self-bond up
/// to <see cref="ChainOptions.StakeWei"/>, registers as transcoder with the configured reward cut and fee share, and
/// publishes the service URI. Each step is skipped when the chain already agrees, so restarts cost nothing.
/// </summary>
public sealed class ChainRegistration(IOptions<ChainOptions> chain, IOptions<OrchestratorOptions> orchestrator, ILogger<ChainRegistration> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // A new round can begin between the initialization check and the bond (rounds move on with the blocks), and
        // the bond then reverts until someone initializes it: try again a moment later before giving up.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RegisterAsync();
                return;
            }
            catch (Exception e) when (attempt < 3 && (e.Message.EndsWith("reverted", StringComparison.Ordinal) ||
                                                      e.GetType().Namespace?.StartsWith("Nethereum", StringComparison.Ordinal) == true))
            {
                logger.LogWarning("Registration attempt {Attempt} failed ({Error}); trying again", attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    private async Task RegisterAsync()
    {
        var o = chain.Value;
        if (string.IsNullOrEmpty(o.Controller) || string.IsNullOrEmpty(o.PrivateKey))
        {
            throw new OptionsValidationException(ChainOptions.Section, typeof(ChainOptions),
                ["Chain:Controller and Chain:PrivateKey are required when Chain:RpcUrl is set"]);
        }
        var web3 = new Web3(new Account(o.PrivateKey), o.RpcUrl);
        var self = web3.TransactionManager.Account.Address;
        var contracts = await new LivepeerPool(web3).ResolveAsync(o.Controller);
        var token = await web3.Eth.GetContractQueryHandler<GetContractFunction>()
            .QueryAsync<string>(o.Controller, new GetContractFunction { Id = LivepeerPool.ContractId("LivepeerToken") });

        // Stake cannot move in a round nobody initialized yet; like go-livepeer's round initializer, any
        // orchestrator may initialize it.
        if (!await web3.Eth.GetContractQueryHandler<CurrentRoundInitializedFunction>()
                .QueryAsync<bool>(contracts.RoundsManager, new CurrentRoundInitializedFunction()))
        {
            await SendAsync(web3, contracts.RoundsManager, new InitializeRoundFunction());
        }

        var wanted = BigInteger.Parse(o.StakeWei, CultureInfo.InvariantCulture);
        var bonded = await web3.Eth.GetContractQueryHandler<TranscoderTotalStakeFunction>()
            .QueryAsync<BigInteger>(contracts.BondingManager, new TranscoderTotalStakeFunction { Transcoder = self });
        if (bonded < wanted)
        {
            var missing = wanted - bonded;
            var balance = await web3.Eth.GetContractQueryHandler<BalanceOfFunction>()
                .QueryAsync<BigInteger>(token, new BalanceOfFunction { Owner = self });
            if (balance < missing)
            {
                throw new InvalidOperationException(
                    $"account {self} holds {balance} stake token units but needs {missing} more to bond {wanted}");
            }
            await SendAsync(web3, token, new ApproveFunction { Spender = contracts.BondingManager, Value = missing });
            await SendAsync(web3, contracts.BondingManager, new BondFunction { Amount = missing, To = self });
            logger.LogInformation("Bonded {Amount} more to {Address}", missing, self);
        }
        await SendAsync(web3, contracts.BondingManager, new TranscoderFunction { RewardCut = o.RewardCut, FeeShare = o.FeeShare });

        var uri = orchestrator.Value.ServiceUri.TrimEnd('/');
        var published = await web3.Eth.GetContractQueryHandler<GetServiceUriFunction>()
            .QueryAsync<string>(contracts.ServiceRegistry, new GetServiceUriFunction { Address = self });
        if (published != uri)
        {
            await SendAsync(web3, contracts.ServiceRegistry, new SetServiceUriFunction { ServiceUri = uri });
        }
        logger.LogInformation("Orchestrator {Address} registered with service URI {Uri}", self, uri);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static async Task<Nethereum.RPC.Eth.DTOs.TransactionReceipt> SendAsync<T>(IWeb3 web3, string contract, T function) where T : FunctionMessage, new()
    {
        var receipt = await web3.Eth.GetContractTransactionHandler<T>().SendRequestAndWaitForReceiptAsync(contract, function);
        if (receipt.Status.Value != 1)
        {
            throw new InvalidOperationException($"{typeof(T).Name.Replace("Function", "", StringComparison.Ordinal)} transaction to {contract} reverted");
        }
        return receipt;
    }
}
