using System.Numerics;
using Microsoft.Extensions.Options;
using Nethereum.Contracts;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using StreamGateway.Network.Chain;
using StreamGateway.Network.Chain.Economics;

namespace StreamGateway.Orchestrator.Chain;

/// <summary>
/// An on-chain orchestrator's duties each round, checked every <see cref="ChainOptions.RoundPollSeconds"/>:
/// initialize a round nobody has (<see cref="ChainOptions.InitializeRounds"/>, go-livepeer's <c>-initializeRound</c>),
/// call <c>reward()</c> once in every initialized round while active (<see cref="ChainOptions.Reward"/>, go-livepeer's
/// <c>-reward</c>: a round without the call mints nothing for this orchestrator and its delegators, for good), and
/// withdraw earned fees once they reach <see cref="ChainOptions.WithdrawFeesAboveWei"/>. Another node may win a race
/// for the same round; a reverted call is then harmless and only logged.
/// </summary>
public sealed class RoundKeeper(IOptions<ChainOptions> chain, ILogger<RoundKeeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = chain.Value;
        if (string.IsNullOrEmpty(o.Controller) || string.IsNullOrEmpty(o.PrivateKey) ||
            !(o.InitializeRounds || o.Reward || BigInteger.Parse(o.WithdrawFeesAboveWei, System.Globalization.CultureInfo.InvariantCulture) > 0))
        {
            return;
        }
        var web3 = new Web3(new Account(o.PrivateKey), o.RpcUrl);
        LivepeerAddresses? contracts = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                contracts ??= await new LivepeerPool(web3).ResolveAsync(o.Controller);
                await DutiesAsync(web3, contracts, o);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Round duties failed: {Error}", e.Message);
            }
            await Task.Delay(TimeSpan.FromSeconds(o.RoundPollSeconds), stoppingToken);
        }
    }

    private async Task DutiesAsync(IWeb3 web3, LivepeerAddresses contracts, ChainOptions o)
    {
        var self = web3.TransactionManager.Account.Address;
        var round = await web3.Eth.GetContractQueryHandler<CurrentRoundFunction>().QueryAsync<BigInteger>(contracts.RoundsManager, new CurrentRoundFunction());
        var initialized = await web3.Eth.GetContractQueryHandler<CurrentRoundInitializedFunction>()
            .QueryAsync<bool>(contracts.RoundsManager, new CurrentRoundInitializedFunction());
        if (!initialized && o.InitializeRounds)
        {
            await ChainRegistration.SendAsync(web3, contracts.RoundsManager, new InitializeRoundFunction());
            logger.LogInformation("Initialized round {Round}", round);
            initialized = true;
        }
        var active = await web3.Eth.GetContractQueryHandler<IsActiveTranscoderFunction>()
            .QueryAsync<bool>(contracts.BondingManager, new IsActiveTranscoderFunction { Transcoder = self });
        if (initialized && o.Reward && active)
        {
            var info = await web3.Eth.GetContractQueryHandler<GetTranscoderFunction>()
                .QueryDeserializingToObjectAsync<TranscoderInfo>(new GetTranscoderFunction { Transcoder = self }, contracts.BondingManager);
            if (info.LastRewardRound < round)
            {
                var receipt = await ChainRegistration.SendAsync(web3, contracts.BondingManager, new RewardFunction());
                var minted = receipt.DecodeAllEvents<RewardEvent>().FirstOrDefault()?.Event.Amount ?? BigInteger.Zero;
                logger.LogInformation("Called reward() in round {Round}: {Minted} minted for this orchestrator and its delegators", round, minted);
            }
        }
        var threshold = BigInteger.Parse(o.WithdrawFeesAboveWei, System.Globalization.CultureInfo.InvariantCulture);
        // Withdrawing claims earnings first, and a claim before this round's reward() would give that reward up: only
        // once the round is rewarded (or there is nothing to reward).
        if (threshold > 0 && initialized && (!active || !o.Reward || (await web3.Eth.GetContractQueryHandler<GetTranscoderFunction>()
                .QueryDeserializingToObjectAsync<TranscoderInfo>(new GetTranscoderFunction { Transcoder = self }, contracts.BondingManager)).LastRewardRound >= round))
        {
            var fees = await web3.Eth.GetContractQueryHandler<PendingFeesFunction>()
                .QueryAsync<BigInteger>(contracts.BondingManager, new PendingFeesFunction { Delegator = self, EndRound = round });
            if (fees >= threshold)
            {
                await ChainRegistration.SendAsync(web3, contracts.BondingManager, new WithdrawFeesFunction { Recipient = self, Amount = fees });
                logger.LogInformation("Withdrew {Fees} wei of fees in round {Round}", fees, round);
            }
        }
    }
}
