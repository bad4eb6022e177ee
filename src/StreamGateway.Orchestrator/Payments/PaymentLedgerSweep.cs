using Microsoft.Extensions.Options;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>
/// Keeps the ledger to what can still matter: every <see cref="PaymentOptions.PollSeconds"/>, the nonces of ticket params
/// past their expiration block and the balances of sessions idle for <see cref="PaymentOptions.BalanceIdleSeconds"/> go.
/// </summary>
public sealed class PaymentLedgerSweep(PaymentLedger ledger, ChainClock chain, IOptions<PaymentOptions> options, TimeProvider clock)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(o.PollSeconds), clock, stoppingToken);
            ledger.Prune(chain.Now?.Block, clock.GetUtcNow() - TimeSpan.FromSeconds(o.BalanceIdleSeconds));
        }
    }
}
