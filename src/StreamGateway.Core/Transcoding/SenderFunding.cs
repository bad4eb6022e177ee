using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using StreamGateway.Core.Transcoding;
using StreamGateway.Network.Chain;

namespace StreamGateway.Core.Transcoding;

/// <summary>
/// At start, brings the broadcaster account's TicketBroker deposit and reserve up to
/// <see cref="TranscodingOptions.DepositWei"/> and <see cref="TranscodingOptions.ReserveWei"/> (livepeer-protocol §3.8),
/// in one <c>fundDepositAndReserve</c> transaction; nothing happens when they are already there or not configured.
/// </summary>
public sealed class SenderFunding(IOptions<TranscodingOptions> options, ILogger<SenderFunding> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var deposit = BigInteger.Parse(o.DepositWei, CultureInfo.InvariantCulture);
        var reserve = BigInteger.Parse(o.ReserveWei, CultureInfo.InvariantCulture);
        if (!o.UsesChain || string.IsNullOrEmpty(o.BroadcasterPrivateKey) || (deposit.IsZero && reserve.IsZero))
        {
            return;
        }
        var account = new Account(o.BroadcasterPrivateKey);
        try
        {
            await FundAsync(account, deposit, reserve, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The gateway still serves: streams play their source, and each orchestrator's refusal says why.
            logger.LogError("Broadcaster {Address}: funding the TicketBroker deposit and reserve failed; orchestrators will refuse to transcode until it is funded: {Error}",
                account.Address, e.Message);
        }
    }

    private async Task FundAsync(Account account, BigInteger deposit, BigInteger reserve, CancellationToken ct)
    {
        var o = options.Value;
        var web3 = new Web3(account, o.RpcUrl);
        var broker = (await new LivepeerPool(web3).ResolveAsync(o.Controller!)).TicketBroker;
        var info = await web3.Eth.GetContractQueryHandler<GetSenderInfoFunction>()
            .QueryDeserializingToObjectAsync<SenderInfoOutput>(new GetSenderInfoFunction { Address = account.Address }, broker);
        var addDeposit = BigInteger.Max(BigInteger.Zero, deposit - info.Sender.Deposit);
        var addReserve = BigInteger.Max(BigInteger.Zero, reserve - info.Reserve.FundsRemaining);
        if (addDeposit.IsZero && addReserve.IsZero)
        {
            logger.LogInformation("Broadcaster {Address}: deposit {Deposit} wei and reserve {Reserve} wei are funded",
                account.Address, info.Sender.Deposit, info.Reserve.FundsRemaining);
            return;
        }
        var balance = (await web3.Eth.GetBalance.SendRequestAsync(account.Address)).Value;
        if (balance < addDeposit + addReserve)
        {
            throw new InvalidOperationException(
                $"the account holds {balance} wei, and {addDeposit + addReserve} wei are needed to bring the deposit to {deposit} and the reserve to {reserve}");
        }
        var receipt = await web3.Eth.GetContractTransactionHandler<FundDepositAndReserveFunction>().SendRequestAndWaitForReceiptAsync(broker,
            new FundDepositAndReserveFunction { DepositAmount = addDeposit, ReserveAmount = addReserve, AmountToSend = addDeposit + addReserve }, ct);
        if (receipt.Status.Value != 1)
        {
            throw new InvalidOperationException("the fundDepositAndReserve transaction reverted");
        }
        logger.LogInformation("Broadcaster {Address}: added {Deposit} wei to the deposit and {Reserve} wei to the reserve",
            account.Address, addDeposit, addReserve);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
