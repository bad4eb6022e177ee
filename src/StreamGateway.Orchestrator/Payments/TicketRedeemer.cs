using System.Numerics;
using Microsoft.Extensions.Options;
using StreamGateway.Network.Chain;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>
/// Redeems winning tickets once their params have expired (recipientRand may only be revealed then; livepeer-protocol
/// §3.9): one with <c>redeemWinningTicket</c>, several at once with <c>batchRedeemWinningTickets</c>. A ticket worth less
/// than the gas to redeem it is skipped; a ticket the chain already knows as used is marked redeemed.
/// </summary>
public sealed class TicketRedeemer(ChainClock chain, WinningTicketStore store, IOptions<PaymentOptions> options, ILogger<TicketRedeemer> logger)
    : BackgroundService
{
    private const long GasPerTicket = 400_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(options.Value.PollSeconds), stoppingToken);
            if (chain.Web3 is null || chain.Contracts is null || chain.Now is not { } now)
            {
                continue;
            }
            var due = store.All().Where(t => t.Status == "pending" && BigInteger.Parse(t.ExpirationBlock) <= now.Block).ToList();
            if (due.Count == 0)
            {
                continue;
            }
            try
            {
                await RedeemAsync(due, now, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Redeeming {Count} winning tickets failed (will retry): {Error}", due.Count, e.Message);
            }
        }
    }

    private async Task RedeemAsync(List<WinningTicket> due, ChainMoment now, CancellationToken ct)
    {
        var web3 = chain.Web3!;
        var broker = chain.Contracts!.TicketBroker;
        var txCost = now.GasPrice * options.Value.RedeemGas;
        var worth = new List<WinningTicket>();
        foreach (var t in due)
        {
            if (await UsedAsync(t))
            {
                t.Status = "redeemed";
            }
            else if (BigInteger.Parse(t.FaceValue) <= txCost)
            {
                t.Status = "skipped";
                t.Error = $"face value {t.FaceValue} wei does not cover the redemption's gas ({txCost} wei)";
            }
            else
            {
                worth.Add(t);
            }
        }
        if (worth.Count == 1)
        {
            var t = worth[0];
            var receipt = await web3.Eth.GetContractTransactionHandler<RedeemWinningTicketFunction>().SendRequestAndWaitForReceiptAsync(broker,
                new RedeemWinningTicketFunction
                {
                    Ticket = TicketStruct.From(t.ToTicket()),
                    Sig = Convert.FromHexString(t.Sig),
                    RecipientRand = BigInteger.Parse(t.RecipientRand),
                }, ct);
            t.Transaction = receipt.TransactionHash;
        }
        else if (worth.Count > 1)
        {
            // Sub-calls that run out of gas fail silently, so the batch carries gas for every ticket.
            var receipt = await web3.Eth.GetContractTransactionHandler<BatchRedeemWinningTicketsFunction>().SendRequestAndWaitForReceiptAsync(broker,
                new BatchRedeemWinningTicketsFunction
                {
                    Tickets = worth.Select(t => TicketStruct.From(t.ToTicket())).ToList(),
                    Sigs = worth.Select(t => Convert.FromHexString(t.Sig)).ToList(),
                    RecipientRands = worth.Select(t => BigInteger.Parse(t.RecipientRand)).ToList(),
                    Gas = GasPerTicket * worth.Count + 100_000,
                }, ct);
            worth.ForEach(t => t.Transaction = receipt.TransactionHash);
        }
        foreach (var t in worth)
        {
            var used = await UsedAsync(t);
            t.Status = used ? "redeemed" : "failed";
            t.Error = used ? null : "the redemption transaction did not use the ticket";
            OrchestratorMetrics.TicketsRedeemed.Add(1, OrchestratorMetrics.Tag("status", t.Status));
            logger.LogInformation("Winning ticket {Hash} ({FaceValue} wei from {Sender}): {Status} in {Tx}", t.Hash, t.FaceValue, t.Sender, t.Status, t.Transaction);
        }
        store.Flush(due);
    }

    private Task<bool> UsedAsync(WinningTicket t) =>
        chain.Web3!.Eth.GetContractQueryHandler<UsedTicketsFunction>()
            .QueryAsync<bool>(chain.Contracts!.TicketBroker, new UsedTicketsFunction { Hash = Convert.FromHexString(t.Hash) });
}
