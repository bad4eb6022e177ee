using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using StackExchange.Redis;
using StreamGateway.Core.Transcoding;
using StreamGateway.Network.Chain;

namespace StreamGateway.Core.Transcoding;

/// <summary>
/// At start, brings the broadcaster account's TicketBroker deposit and reserve up to
/// <see cref="TranscodingOptions.DepositWei"/> and <see cref="TranscodingOptions.ReserveWei"/> (livepeer-protocol §3.8),
/// in one <c>fundDepositAndReserve</c> transaction; nothing happens when they are already there or not configured.
/// Nodes sharing the account take turns through a Redis lock, so starting several at once funds it once.
/// </summary>
public sealed class SenderFunding(IOptions<TranscodingOptions> options, IConnectionMultiplexer redis, ILogger<SenderFunding> logger) : IHostedService
{
    private static readonly TimeSpan LockFor = TimeSpan.FromMinutes(2);

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
        // Nodes that start together share the account: one funds it while the others wait, then find it funded.
        var db = redis.GetDatabase();
        var key = $"sg:funding:{account.Address.ToLowerInvariant()}";
        var token = Guid.NewGuid().ToString("N");
        try
        {
            await TakeTurnAsync(db, key, token, cancellationToken);
            await FundAsync(account, deposit, reserve, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The gateway still serves: streams play their source, and each orchestrator's refusal says why.
            logger.LogError("Broadcaster {Address}: funding the TicketBroker deposit and reserve failed; orchestrators will refuse to transcode until it is funded: {Error}",
                account.Address, e.Message);
        }
        finally
        {
            await ReleaseAsync(db, key, token);
        }
    }

    /// <summary>Waits (at most the lock's lifetime) for this node's turn; without Redis, goes ahead alone.</summary>
    private static async Task TakeTurnAsync(IDatabase db, string key, string token, CancellationToken ct)
    {
        var until = DateTimeOffset.UtcNow + LockFor;
        try
        {
            while (!await db.StringSetAsync(key, token, LockFor, When.NotExists) && DateTimeOffset.UtcNow < until)
            {
                await Task.Delay(500, ct);
            }
        }
        catch (RedisException)
        {
            // Redis away: funding still happens, as it did before nodes shared the account.
        }
    }

    private static async Task ReleaseAsync(IDatabase db, string key, string token)
    {
        try
        {
            if (await db.StringGetAsync(key) == token)
            {
                await db.KeyDeleteAsync(key);
            }
        }
        catch (RedisException)
        {
            // the lock lapses by itself
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
