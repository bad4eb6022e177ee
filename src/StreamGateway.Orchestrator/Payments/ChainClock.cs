using System.Numerics;
using Microsoft.Extensions.Options;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using StreamGateway.Network.Chain;
using StreamGateway.Orchestrator.Chain;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>Reads the protocol's latest block (L1 on Arbitrum), the last initialized round with its block hash, and the gas price every few seconds.</summary>
public sealed class ChainClock(IOptions<ChainOptions> chain, IOptions<PaymentOptions> payments, ILogger<ChainClock> logger) : BackgroundService
{
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChainMoment? Now { get; private set; }

    public Web3? Web3 { get; private set; }

    public LivepeerAddresses? Contracts { get; private set; }

    public async Task<ChainMoment?> CurrentAsync(CancellationToken ct)
    {
        await _first.Task.WaitAsync(TimeSpan.FromSeconds(10), ct).ContinueWith(_ => { }, TaskScheduler.Default);
        return Now;
    }

    private Task<byte[]> BlockHashAsync(BigInteger round) =>
        Web3!.Eth.GetContractQueryHandler<BlockHashForRoundFunction>()
            .QueryAsync<byte[]>(Contracts!.RoundsManager, new BlockHashForRoundFunction { Round = round });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = chain.Value;
        if (!o.Enabled || string.IsNullOrEmpty(o.PrivateKey) || string.IsNullOrEmpty(o.Controller))
        {
            _first.TrySetResult();
            return;
        }
        Web3 = new Web3(new Account(o.PrivateKey), o.RpcUrl);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Contracts ??= await new LivepeerPool(Web3).ResolveAsync(o.Controller);
                // Expiry and redemption count the protocol's blocks: L1 on Arbitrum (go-O's LastSeenL1Block).
                var block = await ProtocolBlocks.LatestAsync(Web3);
                var round = await Web3.Eth.GetContractQueryHandler<LastInitializedRoundFunction>()
                    .QueryAsync<BigInteger>(Contracts.RoundsManager, new LastInitializedRoundFunction());
                var creation = round;
                var hash = await BlockHashAsync(creation);
                // A round whose block hash reads as zero (it happens on Arbitrum) would make every ticket of it
                // unredeemable; go-O then issues tickets against the round before.
                if (!hash.AsSpan().ContainsAnyExcept((byte)0) && creation > 0)
                {
                    creation -= 1;
                    hash = await BlockHashAsync(creation);
                }
                var gas = (await Web3.Eth.GasPrice.SendRequestAsync()).Value;
                Now = new ChainMoment(block, round, creation, hash, gas);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Reading the chain failed: {Error}", e.Message);
            }
            _first.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(payments.Value.PollSeconds), stoppingToken);
        }
    }
}
