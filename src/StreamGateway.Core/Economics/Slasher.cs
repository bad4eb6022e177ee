using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nethereum.Contracts;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using StackExchange.Redis;
using StreamGateway.Core.Transcoding;
using StreamGateway.Network.Chain;
using StreamGateway.Network.Chain.Economics;

namespace StreamGateway.Core.Economics;

/// <summary>A slashing this gateway submitted for confirmed bad work (our extension to the Studio API).</summary>
public sealed class SlashRecord
{
    public required string Orchestrator { get; init; }
    /// <summary>Why verification banned it.</summary>
    public required string Reason { get; init; }
    /// <summary>The newest kept evidence of its bad work (see /api/orchestrator/evidence), if any.</summary>
    public string? Evidence { get; init; }
    /// <summary>"slashed" (mined), or "failed" with <see cref="Error"/>.</summary>
    public required string Status { get; init; }
    public string? TransactionHash { get; init; }
    /// <summary>Stake taken, finder's part included, in the token's smallest unit.</summary>
    public string? Penalty { get; init; }
    public string? FinderReward { get; init; }
    public string? Finder { get; init; }
    public string? Error { get; init; }
    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; init; }
}

/// <summary>
/// With <see cref="EconomicsOptions.Slash"/>, turns a confirmed bad-work ban of an on-chain orchestrator into
/// <c>slashTranscoder</c>, signed by the verifier account, with this gateway's verifier address as the finder. Once per
/// orchestrator per ban period across every node (a Redis claim), in the background so that the segment that caught it
/// does not wait for the chain.
/// </summary>
public sealed partial class Slasher(
    IOptions<EconomicsOptions> economics,
    IOptions<TranscodingOptions> transcoding,
    IConnectionMultiplexer redis,
    VerificationEvidence evidence,
    TimeProvider clock,
    ILogger<Slasher> logger) : IBanListener
{
    internal const string ListKey = "sg:economics:slashes";
    private const int Kept = 200;

    [GeneratedRegex("^0x[0-9a-f]{40}$")]
    private static partial Regex OnChainId();

    public bool Enabled => economics.Value.Slash && !string.IsNullOrEmpty(economics.Value.SlasherPrivateKey) && transcoding.Value.UsesChain;

    /// <summary>Starts a slashing of the orchestrator if this gateway slashes and it is on chain; returns at once.</summary>
    public void Banned(string orchestratorId, string reason)
    {
        if (!Enabled || !OnChainId().IsMatch(orchestratorId))
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await SlashAsync(orchestratorId, reason);
            }
            catch (Exception e)
            {
                logger.LogError(e, "Slashing {Orchestrator} failed", orchestratorId);
            }
        });
    }

    private async Task SlashAsync(string orchestrator, string reason)
    {
        var db = redis.GetDatabase();
        var period = TimeSpan.FromSeconds(transcoding.Value.BadWorkSuspendSeconds);
        if (!await db.StringSetAsync($"sg:economics:slash:{orchestrator}", "1", period, When.NotExists))
        {
            return; // another node, or an earlier ban in this period, slashed it already
        }
        var e = economics.Value;
        var account = new Account(e.SlasherPrivateKey);
        var web3 = new Web3(account, transcoding.Value.RpcUrl);
        var kept = (await evidence.ListAsync()).FirstOrDefault(r => r.Orchestrator.Equals(orchestrator, StringComparison.OrdinalIgnoreCase));
        SlashRecord record;
        try
        {
            var contracts = await new LivepeerPool(web3).ResolveAsync(transcoding.Value.Controller!);
            var receipt = await web3.Eth.GetContractTransactionHandler<SlashTranscoderFunction>().SendRequestAndWaitForReceiptAsync(
                contracts.BondingManager, new SlashTranscoderFunction
                {
                    Transcoder = orchestrator, Finder = account.Address, SlashAmount = e.SlashAmount, FinderFee = e.FinderFee,
                });
            var slashed = receipt.Status?.Value == 1 ? receipt.DecodeAllEvents<TranscoderSlashedEvent>().FirstOrDefault()?.Event : null;
            record = new SlashRecord
            {
                Orchestrator = orchestrator, Reason = reason, Evidence = kept?.Id, TransactionHash = receipt.TransactionHash,
                Status = slashed is null ? "failed" : "slashed", Error = slashed is null ? "the transaction reverted" : null,
                Penalty = slashed?.Penalty.ToString(System.Globalization.CultureInfo.InvariantCulture),
                FinderReward = slashed?.FinderReward.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Finder = account.Address.ToLowerInvariant(), CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            record = new SlashRecord
            {
                Orchestrator = orchestrator, Reason = reason, Evidence = kept?.Id, Status = "failed", Error = ex.Message,
                Finder = account.Address.ToLowerInvariant(), CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            };
        }
        await db.ListLeftPushAsync(ListKey, JsonSerializer.Serialize(record));
        await db.ListTrimAsync(ListKey, 0, Kept - 1);
        if (record.Status == "slashed")
        {
            logger.LogWarning("Slashed {Orchestrator} by {Penalty} (finder's reward {Reward}) in {Tx}: {Reason}",
                orchestrator, record.Penalty, record.FinderReward, record.TransactionHash, reason);
        }
        else
        {
            logger.LogError("Slashing {Orchestrator} failed: {Error}", orchestrator, record.Error);
        }
    }

    public async Task<IReadOnlyList<SlashRecord>> ListAsync() =>
        [.. (await redis.GetDatabase().ListRangeAsync(ListKey, 0, Kept - 1))
            .Select(v => JsonSerializer.Deserialize<SlashRecord>((string)v!)!)];
}
