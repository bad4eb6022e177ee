using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json.Nodes;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using StreamGateway.Cli;
using StreamGateway.Network.Chain;
using StreamGateway.Network.Chain.Economics;

namespace StreamGateway.Tests.Integration.Chain;

[Function("setContractInfo")]
public sealed class SetContractInfoFunction : FunctionMessage
{
    [Parameter("bytes32", "_id", 1)] public byte[] Id { get; set; } = [];
    [Parameter("address", "_contractAddress", 2)] public string Address { get; set; } = "";
}

[Function("roundLength", "uint256")]
public sealed class RoundLengthFunction : FunctionMessage;

[Function("currentRoundStartBlock", "uint256")]
public sealed class CurrentRoundStartBlockFunction : FunctionMessage;

[Function("unbondingPeriod", "uint64")]
public sealed class UnbondingPeriodFunction : FunctionMessage;

[Function("getTranscoderEarningsPoolForRound", typeof(EarningsPool))]
public sealed class GetTranscoderEarningsPoolForRoundFunction : FunctionMessage
{
    [Parameter("address", "_transcoder", 1)] public string Transcoder { get; set; } = "";
    [Parameter("uint256", "_round", 2)] public BigInteger Round { get; set; }
}

[FunctionOutput]
public sealed class EarningsPool : IFunctionOutputDTO
{
    [Parameter("uint256", "totalStake", 1)] public BigInteger TotalStake { get; set; }
    [Parameter("uint256", "transcoderRewardCut", 2)] public BigInteger RewardCut { get; set; }
    [Parameter("uint256", "transcoderFeeShare", 3)] public BigInteger FeeShare { get; set; }
    [Parameter("uint256", "cumulativeRewardFactor", 4)] public BigInteger CumulativeRewardFactor { get; set; }
    [Parameter("uint256", "cumulativeFeeFactor", 5)] public BigInteger CumulativeFeeFactor { get; set; }
}

/// <summary>
/// The network's incentives on the devnet `./dev test` runs, seen the three ways a user sees them: the chain itself,
/// the gateway's admin API, and sgcli. The devnet's orchestrators call reward() in every round (orchestrator 1 also
/// initializes rounds); the tests move rounds on by mining blocks. Exact numbers over many rounds are the contracts'
/// own tests (deploy/chain/test); here the C# reads and commands are held to the chain.
/// </summary>
[Collection(Transcoding.DevnetOrchestrators.Name)]
public sealed class EconomicsTests
{
    private const string DeployerKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    private static readonly BigInteger Lpt = BigInteger.Pow(10, 18);

    private static string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
        ? v : throw new InvalidOperationException($"{name} is not set: chain tests run against the anvil chain `./dev test` starts");

    private static Gateway Gw => Gateway.Instance;

    private static async Task<(Web3 Web3, EconomicsAddresses C)> ChainAsync()
    {
        var web3 = new Web3(Env("SG_ETH_RPC"));
        return (web3, await new NetworkEconomics(web3).ResolveAsync(Env("SG_CONTROLLER")));
    }

    private static Task<BigInteger> UintAsync<T>(IWeb3 web3, string contract, T call) where T : FunctionMessage, new() =>
        web3.Eth.GetContractQueryHandler<T>().QueryAsync<BigInteger>(contract, call);

    /// <summary>A fresh account with 10 ETH from anvil and <paramref name="lpt"/> tokens minted by the deployer.</summary>
    private static async Task<string> FundedAccountAsync(EconomicsAddresses c, long lpt)
    {
        var key = "0x" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var address = new Account(key).Address;
        await Anvil.FundAsync(address);
        if (lpt == 0)
        {
            return key;
        }
        var deployer = new Web3(new Account(DeployerKey, 31337), Env("SG_ETH_RPC"));
        var minted = await deployer.Eth.GetContractTransactionHandler<MintFunction>()
            .SendRequestAndWaitForReceiptAsync(c.Token, new MintFunction { To = address, Amount = lpt * Lpt });
        Assert.Equal(1, (int)minted.Status.Value);
        return key;
    }

    /// <summary>Mines to the first block of the next round and waits until orchestrator 1 has initialized it and
    /// every active devnet orchestrator has called reward() in it.</summary>
    private static async Task<BigInteger> NextRoundAsync(IWeb3 web3, EconomicsAddresses c)
    {
        var round = await UintAsync(web3, c.RoundsManager, new CurrentRoundFunction());
        var length = await UintAsync(web3, c.RoundsManager, new RoundLengthFunction());
        var start = await UintAsync(web3, c.RoundsManager, new CurrentRoundStartBlockFunction());
        var block = (await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;
        var blocks = start + length - block;
        if (blocks > 0)
        {
            await Anvil.MineAsync((long)blocks);
        }
        var next = round + 1;
        await Poll.UntilAsync(async () => await UintAsync(web3, c.RoundsManager, new CurrentRoundFunction()) >= next &&
            await web3.Eth.GetContractQueryHandler<CurrentRoundInitializedFunction>().QueryAsync<bool>(c.RoundsManager, new CurrentRoundInitializedFunction()),
            30, $"round {next} initialized by orchestrator 1");
        next = await UintAsync(web3, c.RoundsManager, new CurrentRoundFunction());
        foreach (var o in TranscodingOrchestrators())
        {
            await Poll.UntilAsync(async () => (await web3.Eth.GetContractQueryHandler<GetTranscoderFunction>()
                .QueryDeserializingToObjectAsync<TranscoderInfo>(new GetTranscoderFunction { Transcoder = o }, c.BondingManager)).LastRewardRound == next,
                30, $"{o} to call reward() in round {next}");
        }
        return next;
    }

    /// <summary>The devnet's orchestrators 1-3 (anvil accounts 1-3).</summary>
    private static string[] TranscodingOrchestrators() =>
    [
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    ];

    private static async Task<(int Code, string Output, string Errors)> CliAsync(string? key, params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var errors = new StringWriter(CultureInfo.InvariantCulture);
        var code = await StreamGateway.Cli.Cli.RunAsync(args, output, errors, name => name switch
        {
            "SG_CLI_RPC" => Env("SG_ETH_RPC"),
            "SG_CLI_CONTROLLER" => Env("SG_CONTROLLER"),
            "SG_CLI_KEY" => key,
            _ => null,
        });
        return (code, output.ToString(), errors.ToString());
    }

    [Fact]
    public async Task The_gateways_network_view_matches_the_chain()
    {
        var (web3, c) = await ChainAsync();
        using var admin = Gw.Client(Gw.AdminKey);
        // The view is kept a few seconds and the chain moves (rewards, rounds): read until both agree.
        JsonObject view = [];
        await Poll.UntilAsync(async () =>
        {
            view = (await Json.ReadObjectAsync(await admin.GetAsync("api/network")))!;
            return (string?)view["totalBonded"] == (await UintAsync(web3, c.BondingManager, new GetTotalBondedFunction())).ToString(CultureInfo.InvariantCulture) &&
                   (string?)view["round"] == (await UintAsync(web3, c.RoundsManager, new CurrentRoundFunction())).ToString(CultureInfo.InvariantCulture);
        }, 20, "the gateway's view of the network to match the chain");
        Assert.Equal((await UintAsync(web3, c.Token, new TotalSupplyFunction())).ToString(CultureInfo.InvariantCulture), (string?)view["totalSupply"]);
        Assert.Equal((double)await UintAsync(web3, c.Minter, new InflationFunction()) / 1e9, view["inflationPerRound"]!.GetValue<double>());
        Assert.Equal((double)await UintAsync(web3, c.Minter, new TargetBondingRateFunction()) / 1e9, view["targetBondingRate"]!.GetValue<double>());
        Assert.Equal(c.Minter, (string?)view["contracts"]!["minter"]);
        Assert.NotNull((string?)view["contracts"]!["governor"]);

        var orchestrators = view["orchestrators"]!.AsArray().Select(o => o!.AsObject()).ToList();
        foreach (var address in TranscodingOrchestrators())
        {
            var o = orchestrators.Single(x => string.Equals((string?)x["address"], address, StringComparison.OrdinalIgnoreCase));
            var t = await web3.Eth.GetContractQueryHandler<GetTranscoderFunction>()
                .QueryDeserializingToObjectAsync<TranscoderInfo>(new GetTranscoderFunction { Transcoder = address }, c.BondingManager);
            Assert.Equal((double)t.RewardCut / 1e6, o["rewardCut"]!.GetValue<double>());
            Assert.Equal((double)t.FeeShare / 1e6, o["feeShare"]!.GetValue<double>());
            Assert.True(o["active"]!.GetValue<bool>(), o.ToJsonString());
            Assert.True(BigInteger.Parse((string)o["totalStake"]!, CultureInfo.InvariantCulture) >= 20 * Lpt, o.ToJsonString());
            Assert.NotNull(o["delegators"]); // counted from Bond events (./dev sets Economics__DelegatorEventsFromBlock=0)
        }

        // One address: orchestrator 1 bonded to itself.
        var self = (await Json.ReadObjectAsync(await admin.GetAsync($"api/network/delegator/{TranscodingOrchestrators()[0]}")))!;
        var d = await web3.Eth.GetContractQueryHandler<GetDelegatorFunction>()
            .QueryDeserializingToObjectAsync<DelegatorInfo>(new GetDelegatorFunction { Delegator = TranscodingOrchestrators()[0] }, c.BondingManager);
        Assert.Equal(TranscodingOrchestrators()[0].ToLowerInvariant(), (string?)self["delegate"]);
        Assert.Equal(d.BondedAmount.ToString(CultureInfo.InvariantCulture), (string?)self["bonded"]);
        Assert.True(BigInteger.Parse((string)self["pendingStake"]!, CultureInfo.InvariantCulture) >= d.BondedAmount);

        // Admin only, and a bad address is refused with a reason.
        Assert.Equal(HttpStatusCode.Forbidden, (await (await Gw.NewTenantAsync()).Http.GetAsync("api/network")).StatusCode);
        using var bad = await admin.GetAsync("api/network/delegator/0x1234");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("address", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delegator_bonds_earns_rewards_unbonds_rebonds_withdraws_and_claims_with_the_cli()
    {
        var (web3, c) = await ChainAsync();
        var orchestrator = TranscodingOrchestrators()[0];
        var key = await FundedAccountAsync(c, 100);
        var me = new Account(key).Address;

        // Bond: the approval and the bond, then the position as status prints it.
        var bonded = await CliAsync(key, "bond", "100", orchestrator);
        Assert.True(bonded.Code == 0, bonded.Errors);
        Assert.Contains($"bonded 100 LPT to {orchestrator.ToLowerInvariant()}", bonded.Output, StringComparison.Ordinal);

        // The bond counts from the next round: that round's reward by orchestrator 1 pays this delegator its share,
        // (reward × (1 − reward cut)) × 100 / the orchestrator's stake in that round.
        var round = await NextRoundAsync(web3, c);
        var pool = await web3.Eth.GetContractQueryHandler<GetTranscoderEarningsPoolForRoundFunction>()
            .QueryDeserializingToObjectAsync<EarningsPool>(new GetTranscoderEarningsPoolForRoundFunction { Transcoder = orchestrator, Round = round }, c.BondingManager);
        var rewards = await web3.Eth.GetEvent<RewardEvent>(c.BondingManager).GetAllChangesAsync(
            web3.Eth.GetEvent<RewardEvent>(c.BondingManager).CreateFilterInput(orchestrator, Nethereum.RPC.Eth.DTOs.BlockParameter.CreateEarliest(),
                Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest()));
        var reward = rewards.Last().Event.Amount;
        var expected = 100 * Lpt + reward * (1_000_000 - pool.RewardCut) / 1_000_000 * 100 * Lpt / pool.TotalStake;
        var stake = await UintAsync(web3, c.BondingManager, new PendingStakeFunction { Delegator = me, EndRound = round });
        Assert.True(stake > 100 * Lpt, $"pending stake {stake}");
        Assert.True(BigInteger.Abs(stake - expected) <= 1_000_000, $"pending stake {stake}, expected {expected} (reward {reward}, pool {pool.TotalStake})");
        var status = await CliAsync(key, "status");
        Assert.Contains($"pending stake {Tokens.Format(stake)} LPT", status.Output, StringComparison.Ordinal);
        using var admin = Gw.Client(Gw.AdminKey);
        var seen = (await Json.ReadObjectAsync(await admin.GetAsync($"api/network/delegator/{me}")))!;
        Assert.Equal(stake.ToString(CultureInfo.InvariantCulture), (string?)seen["pendingStake"]);

        // Unbond 40: a lock withdrawable after the unbonding period; rebond it; unbond 40 again.
        var period = await UintAsync(web3, c.BondingManager, new UnbondingPeriodFunction());
        var unbonded = await CliAsync(key, "unbond", "40");
        Assert.True(unbonded.Code == 0, unbonded.Errors);
        Assert.Contains($"unbonding lock 0: 40 LPT, withdrawable from round {round + period}", unbonded.Output, StringComparison.Ordinal);
        var early = await CliAsync(key, "withdraw-stake", "0");
        Assert.Equal(1, early.Code); // the chain refuses before the withdraw round
        var rebonded = await CliAsync(key, "rebond", "0");
        Assert.True(rebonded.Code == 0, rebonded.Errors);
        Assert.DoesNotContain("unbonding lock 0", rebonded.Output, StringComparison.Ordinal);
        Assert.True(await UintAsync(web3, c.BondingManager, new PendingStakeFunction { Delegator = me, EndRound = round }) >= stake);
        Assert.Equal(0, (await CliAsync(key, "unbond", "40")).Code);

        // After the unbonding period the 40 tokens come back to the account.
        for (var i = 0; i < (int)period; i++)
        {
            await NextRoundAsync(web3, c);
        }
        var before = await UintAsync(web3, c.Token, new BalanceOfFunction { Owner = me });
        var withdrawn = await CliAsync(key, "withdraw-stake", "1");
        Assert.True(withdrawn.Code == 0, withdrawn.Errors);
        Assert.Equal(before + 40 * Lpt, await UintAsync(web3, c.Token, new BalanceOfFunction { Owner = me }));

        // Claiming moves the rewards of the rounds since into the bond.
        var claimed = await CliAsync(key, "claim");
        Assert.True(claimed.Code == 0, claimed.Errors);
        var after = await web3.Eth.GetContractQueryHandler<GetDelegatorFunction>()
            .QueryDeserializingToObjectAsync<DelegatorInfo>(new GetDelegatorFunction { Delegator = me }, c.BondingManager);
        Assert.Equal(await UintAsync(web3, c.RoundsManager, new CurrentRoundFunction()), after.LastClaimRound);
        Assert.True(after.BondedAmount > 60 * Lpt, $"bonded {after.BondedAmount}");

        // Mistakes are refused before anything is sent.
        Assert.Equal(2, (await CliAsync(key, "bond", "lots", orchestrator)).Code);
        Assert.Equal(2, (await CliAsync(null, "unbond", "1")).Code);
        Assert.Equal(2, (await CliAsync(key, "transcoder", "150", "10")).Code);
    }

    [Fact]
    public async Task Winning_tickets_from_a_stream_pay_each_delegator_its_orchestrators_fee_share_by_stake()
    {
        var (web3, c) = await ChainAsync();
        // One delegator of 10 tokens per devnet orchestrator, bonded a round before the stream so that its stake counts.
        var delegators = new List<(string Orchestrator, string Address)>();
        foreach (var orchestrator in TranscodingOrchestrators())
        {
            var key = await FundedAccountAsync(c, 10);
            var bonded = await CliAsync(key, "bond", "10", orchestrator);
            Assert.True(bonded.Code == 0, bonded.Errors);
            delegators.Add((orchestrator, new Account(key).Address));
        }
        // Fees credited from the next round on count for them (tickets of other tests' streams too, from its first block).
        var startBlock = (await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;
        var from = await NextRoundAsync(web3, c);

        // A paid stream on the suite's gateway: its winning tickets are redeemed within a minute or so.
        var t = await Gw.NewTenantAsync();
        var stream = await t.CreateStreamAsync(new { name = "fees", profiles = new[] { new { name = "240p", width = 426, height = 240, bitrate = 300_000, fps = 0 } } });
        await using (Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 60, video: "640x360"))
        {
            await Poll.UntilAsync(async () =>
            {
                foreach (var (_, address) in delegators)
                {
                    if (await UintAsync(web3, c.BondingManager, new PendingFeesFunction { Delegator = address, EndRound = 0 }) > 0)
                    {
                        return true;
                    }
                }
                return false;
            }, 150, "a winning ticket's fees reaching a delegator");
        }

        // Each ticket's fees F for orchestrator O redeemed in round r give O's delegators F × feeShare × their stake / O's stake in r.
        // The delegator's stake is its 10 tokens plus the rewards since (a percent or so a round here), so the check
        // allows 2 %; an orchestrator with no winning ticket owes its delegator nothing.
        var events = web3.Eth.GetEvent<TranscoderFeesUpdatedEvent>(c.BondingManager);
        var credited = await events.GetAllChangesAsync(events.CreateFilterInput(
            new Nethereum.RPC.Eth.DTOs.BlockParameter(new Nethereum.Hex.HexTypes.HexBigInteger(startBlock)), Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest()));
        var checkedOne = false;
        foreach (var (orchestrator, address) in delegators)
        {
            var fees = await UintAsync(web3, c.BondingManager, new PendingFeesFunction { Delegator = address, EndRound = 0 });
            var expected = BigInteger.Zero;
            foreach (var e in credited.Where(e => e.Event.Transcoder.Equals(orchestrator, StringComparison.OrdinalIgnoreCase)))
            {
                // The event names the ticket's creation round; the fees go to the pool of the round it was redeemed in.
                var round = await web3.Eth.GetContractQueryHandler<CurrentRoundFunction>().QueryAsync<BigInteger>(c.RoundsManager, new CurrentRoundFunction(),
                    new Nethereum.RPC.Eth.DTOs.BlockParameter(e.Log.BlockNumber));
                if (round < from)
                {
                    continue;
                }
                var pool = await web3.Eth.GetContractQueryHandler<GetTranscoderEarningsPoolForRoundFunction>().QueryDeserializingToObjectAsync<EarningsPool>(
                    new GetTranscoderEarningsPoolForRoundFunction { Transcoder = orchestrator, Round = round }, c.BondingManager);
                expected += e.Event.Fees * pool.FeeShare / 1_000_000 * 10 * Lpt / pool.TotalStake;
            }
            if (expected.IsZero)
            {
                Assert.Equal(BigInteger.Zero, fees);
                continue;
            }
            checkedOne = true;
            // (The contract's fixed-point factors may round a few wei below the direct product.)
            Assert.True(fees * 1000 >= expected * 999 && fees <= expected * 102 / 100, $"{address} (bonded to {orchestrator}): fees {fees}, expected {expected} to 2 % above");
        }
        Assert.True(checkedOne, "no delegator's orchestrator got a winning ticket");

        // An orchestrator run with Chain:WithdrawFeesAboveWei takes its earned fees out of the Minter as ETH.
        var (earner, n) = TranscodingOrchestrators().Select((o, i) => (o, i + 1)).MaxBy(x => credited.Count(e => e.Event.Transcoder.Equals(x.o, StringComparison.OrdinalIgnoreCase)));
        var owedAt = (await web3.Eth.Blocks.GetBlockNumber.SendRequestAsync()).Value;
        var owed = await UintAsync(web3, c.BondingManager, new PendingFeesFunction { Delegator = earner, EndRound = 0 });
        Assert.True(owed > 0, $"{earner} has no fees to withdraw");
        var balance = (await web3.Eth.GetBalance.SendRequestAsync(earner)).Value;
        await DevCommand.RunAsync("orchestrator", "stop", $"{n}");
        try
        {
            await DevCommand.RunAsync(new Dictionary<string, string> { ["Chain__WithdrawFeesAboveWei"] = "1" }, "orchestrator", "start", $"{n}");
            await Poll.UntilAsync(async () => await UintAsync(web3, c.BondingManager, new PendingFeesFunction { Delegator = earner, EndRound = 0 }) == 0, 60,
                $"orchestrator {n} to withdraw its fees");
            // What it owed, less the gas of the withdrawal (well under 0.001 ETH on the devnet), and at most what tickets
            // redeemed meanwhile (the suite's other streams, or its own queue on restart) added to its pool.
            var gained = (await web3.Eth.GetBalance.SendRequestAsync(earner)).Value - balance;
            var since = await events.GetAllChangesAsync(events.CreateFilterInput(
                new Nethereum.RPC.Eth.DTOs.BlockParameter(new Nethereum.Hex.HexTypes.HexBigInteger(owedAt)), Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest()));
            var meanwhile = since.Where(e => e.Event.Transcoder.Equals(earner, StringComparison.OrdinalIgnoreCase)).Aggregate(BigInteger.Zero, (sum, e) => sum + e.Event.Fees);
            Assert.True(gained >= owed - BigInteger.Pow(10, 15) && gained <= owed + meanwhile,
                $"{earner} gained {gained} wei for {owed} owed and {meanwhile} credited since");
        }
        finally
        {
            await DevCommand.RunAsync("orchestrator", "stop", $"{n}");
            await DevCommand.RunAsync("orchestrator", "start", $"{n}");
        }
    }

    [Fact]
    public async Task A_stake_weighted_vote_changes_the_target_bonding_rate_and_a_proposal_short_of_quorum_fails()
    {
        var (web3, c) = await ChainAsync();
        // The devnet's orchestrators' keys (anvil accounts 1-3, deploy/dev/anvil-keys).
        var keys = File.ReadAllLines(Path.Combine(GatewayProcess.RepositoryRoot(), "deploy", "dev", "anvil-keys")).Where(l => !l.StartsWith('#')).ToArray();
        var (o1, o2, o3) = (keys[1], keys[2], keys[3]);
        var target = await UintAsync(web3, c.Minter, new TargetBondingRateFunction());
        var change = $"to {Guid.NewGuid():N}";  // a proposal's id is its content's hash: each run proposes something new

        var passing = await CliAsync(o1, "propose", "target-bonding-rate", "10", $"Lower the target bonding rate {change}");
        Assert.True(passing.Code == 0, passing.Errors);
        var passingId = passing.Output.Split('\n').Single(l => l.StartsWith("proposal ", StringComparison.Ordinal))["proposal ".Length..].Trim();
        var failing = await CliAsync(o3, "propose", "inflation-change", "0.001", $"Raise the inflation change {change}");
        Assert.True(failing.Code == 0, failing.Errors);
        var failingId = failing.Output.Split('\n').Single(l => l.StartsWith("proposal ", StringComparison.Ordinal))["proposal ".Length..].Trim();

        // Its votes are counted at the round after it was made (the voting delay), and voting opens once that round is
        // over. Orchestrator 1 (half the stake) votes for and 2 against the first: quorum (a third of the stake) and
        // quota (half of for + against) are met. Only orchestrator 3 (a fifth) votes on the second.
        Assert.Contains($"proposal {passingId}: pending", (await CliAsync(null, "proposal", passingId)).Output, StringComparison.Ordinal);
        await NextRoundAsync(web3, c);
        await NextRoundAsync(web3, c);
        foreach (var (voter, id, support) in new[] { (o1, passingId, "for"), (o2, passingId, "against"), (o3, failingId, "for") })
        {
            var vote = await CliAsync(voter, "vote", id, support);
            Assert.True(vote.Code == 0, vote.Errors);
        }
        var tally = await CliAsync(null, "proposal", passingId);
        Assert.Contains($"proposal {passingId}: active", tally.Output, StringComparison.Ordinal);
        Assert.Equal(2, (await CliAsync(o1, "vote", passingId, "maybe")).Code);

        // After the voting period (two rounds): one passed, one did not reach quorum.
        for (var i = 0; i < 2; i++)
        {
            await NextRoundAsync(web3, c);
        }
        Assert.Contains($"proposal {passingId}: succeeded", (await CliAsync(null, "proposal", passingId)).Output, StringComparison.Ordinal);
        Assert.Contains($"proposal {failingId}: defeated", (await CliAsync(null, "proposal", failingId)).Output, StringComparison.Ordinal);
        Assert.Equal(1, (await CliAsync(o3, "execute", "inflation-change", "0.001", $"Raise the inflation change {change}")).Code);

        // Executing the passed one changes the Minter's parameter through the governor, as the Controller's owner would.
        var executed = await CliAsync(o2, "execute", "target-bonding-rate", "10", $"Lower the target bonding rate {change}");
        Assert.True(executed.Code == 0, executed.Errors);
        Assert.Equal(100_000_000, (long)await UintAsync(web3, c.Minter, new TargetBondingRateFunction()));
        Assert.Contains($"proposal {passingId}: executed", (await CliAsync(null, "proposal", passingId)).Output, StringComparison.Ordinal);
        Assert.NotEqual(target, 100_000_000);
    }

    [Fact]
    public async Task A_gateway_that_slashes_takes_a_cheats_stake_pays_the_finder_and_removes_it_from_the_pool()
    {
        var (web3, c) = await ChainAsync();
        // A cheating orchestrator with ten times the devnet's stake, so that this gateway's stake-weighted draws find it.
        var cheatKey = await FundedAccountAsync(c, 1000);
        var cheat = new Account(cheatKey).Address.ToLowerInvariant();
        var port = FreePort();
        var work = Directory.CreateTempSubdirectory("sg-cheat-").FullName;
        var dll = GatewayProcess.OrchestratorDll();
        using var orchestrator = GatewayProcess.Start(dll, new Dictionary<string, string>
        {
            ["Orchestrator__Port"] = $"{port}",
            ["Orchestrator__ServiceUri"] = $"https://127.0.0.1:{port}",
            ["Orchestrator__WorkDir"] = work,
            ["Orchestrator__Misbehave"] = "WrongPicture",
            ["Chain__RpcUrl"] = Env("SG_ETH_RPC"),
            ["Chain__Controller"] = Env("SG_CONTROLLER"),
            ["Chain__PrivateKey"] = cheatKey,
            ["Chain__StakeWei"] = (1000 * Lpt).ToString(CultureInfo.InvariantCulture),
        });
        _ = orchestrator.StandardOutput.ReadToEndAsync();
        _ = orchestrator.StandardError.ReadToEndAsync();
        // The verifier: an account the Controller's owner names "Verifier", paid as the finder.
        var verifierKey = await FundedAccountAsync(c, 0);
        var verifier = new Account(verifierKey).Address.ToLowerInvariant();
        var deployer = new Web3(new Account(DeployerKey, 31337), Env("SG_ETH_RPC"));
        var named = await deployer.Eth.GetContractTransactionHandler<SetContractInfoFunction>().SendRequestAndWaitForReceiptAsync(Env("SG_CONTROLLER"),
            new SetContractInfoFunction { Id = LivepeerPool.ContractId("Verifier"), Address = verifier });
        Assert.Equal(1, (int)named.Status.Value);
        try
        {
            await Poll.UntilAsync(async () => (await web3.Eth.GetContractQueryHandler<GetDelegatorFunction>()
                .QueryDeserializingToObjectAsync<DelegatorInfo>(new GetDelegatorFunction { Delegator = cheat }, c.BondingManager)).BondedAmount >= 1000 * Lpt,
                60, "the cheat to bond itself");
            await NextRoundAsync(web3, c); // active from the round after its bond

            await using var gateway = await Transcoding.SecondGateway.StartAsync(18095, 11950, redisDatabase: 10, new Dictionary<string, string>
            {
                ["Economics__Slash"] = "true",
                ["Economics__SlasherPrivateKey"] = verifierKey,
                ["Transcoding__BroadcasterPrivateKey"] = (await FundedAccountAsync(c, 0))[2..],
                ["Transcoding__ReuseLatencyScore"] = "0",
            });
            using var api = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:18095/") };
            api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await gateway.NewApiKeyAsync());
            using var admin = new HttpClient { BaseAddress = api.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await gateway.NewApiKeyAsync(admin: true));
            using var created = await api.PostAsJsonAsync("api/stream", new { name = "slashing", profiles = new[] { new { name = "144p", width = 256, height = 144, bitrate = 150_000, fps = 0 } } });
            var stream = (await Json.ReadObjectAsync(created))!;
            await using var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 60, video: "640x360", rtmpUrl: "rtmp://127.0.0.1:11950/live");

            // Caught (its first segment is checked in full), confirmed (an honest orchestrator's renditions of the same
            // segment pass), banned, and slashed by this gateway.
            JsonObject? slash = null;
            await Poll.UntilAsync(async () =>
            {
                slash = (await Json.ReadArrayAsync(await admin.GetAsync("api/network/slashes"))).Select(x => x!.AsObject())
                    .FirstOrDefault(x => (string?)x["orchestrator"] == cheat);
                return slash is not null;
            }, 90, $"the cheat to be slashed\n{gateway.LogTail()}");
            Assert.True((string?)slash!["status"] == "slashed", slash.ToJsonString());
            Assert.Contains("does not show the source's picture", (string?)slash["reason"], StringComparison.Ordinal);
            Assert.Equal(verifier, (string?)slash["finder"]);
            var evidence = (await Json.ReadArrayAsync(await admin.GetAsync("api/orchestrator/evidence"))).Select(x => x!.AsObject()).ToList();
            Assert.Contains(evidence, e => (string?)e["id"] == (string?)slash["evidence"] && (string?)e["orchestrator"] == cheat);

            // 5 % of its bond (what it bonded plus the rewards it claimed) is taken, half of it paid to the finder, the rest
            // burned; it is out of the pool.
            var penalty = BigInteger.Parse((string)slash["penalty"]!, CultureInfo.InvariantCulture);
            var finderReward = BigInteger.Parse((string)slash["finderReward"]!, CultureInfo.InvariantCulture);
            var left = (await web3.Eth.GetContractQueryHandler<GetDelegatorFunction>()
                .QueryDeserializingToObjectAsync<DelegatorInfo>(new GetDelegatorFunction { Delegator = cheat }, c.BondingManager)).BondedAmount;
            Assert.Equal((left + penalty) * 50_000 / 1_000_000, penalty);
            Assert.True(penalty >= 50 * Lpt, $"penalty {penalty}");
            Assert.Equal(penalty * 500_000 / 1_000_000, finderReward);
            Assert.Equal(finderReward, await UintAsync(web3, c.Token, new BalanceOfFunction { Owner = verifier }));
            var pool = await new LivepeerPool(web3).ReadAsync(await new LivepeerPool(web3).ResolveAsync(Env("SG_CONTROLLER")), CancellationToken.None);
            Assert.DoesNotContain(pool, p => p.Address.Equals(cheat, StringComparison.OrdinalIgnoreCase));
            // Once per ban: the same orchestrator is not slashed twice for it.
            Assert.Single(await Json.ReadArrayAsync(await admin.GetAsync("api/network/slashes")), x => (string?)x!["orchestrator"] == cheat);
        }
        finally
        {
            orchestrator.Kill(entireProcessTree: true);
            await orchestrator.WaitForExitAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
