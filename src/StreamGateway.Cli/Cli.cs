using System.Globalization;
using System.Numerics;
using System.Text;
using Nethereum.Contracts;
using Nethereum.Util;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using StreamGateway.Network.Chain;
using StreamGateway.Network.Chain.Economics;

namespace StreamGateway.Cli;

/// <summary>
/// sgcli's commands. Every call is one of Livepeer's own (BondingManager, Minter, LivepeerGovernor), so the same
/// commands work on the devnet and on Livepeer's contracts on Arbitrum One.
/// </summary>
public static class Cli
{
    public const string Usage = """
        sgcli [--rpc URL] [--controller ADDRESS] [--key HEX] COMMAND
          (or SG_CLI_RPC, SG_CLI_CONTROLLER, SG_CLI_KEY; amounts in LPT/ETH like 100 or 0.5, or 123wei)

        status [ADDRESS]                 the round, inflation and bonding, and ADDRESS's (default: the key's) position
        orchestrators                    the pool: stake, reward cut, fee share, last reward round
        bond AMOUNT ORCHESTRATOR         approve and bond AMOUNT more LPT to ORCHESTRATOR (or move the bond there)
        unbond AMOUNT                    start unbonding AMOUNT; prints the lock and the round it can be withdrawn in
        rebond LOCK [ORCHESTRATOR]       bond a lock again (to ORCHESTRATOR when fully unbonded)
        withdraw-stake LOCK              take out an unbonded lock after its withdraw round
        withdraw-fees [AMOUNT]           withdraw earned fees (default: all) to the key's address
        claim                            claim rewards and fees up to the current round
        transcoder REWARDCUT FEESHARE    set the reward cut and fee share, in percent
        reward                           mint this round's reward (an active orchestrator, once per round)
        propose PARAMETER VALUE TEXT     propose target-bonding-rate or inflation-change (percent) with TEXT as description
        vote PROPOSAL for|against|abstain
        proposal PROPOSAL                state, votes, deadline, quorum and quota
        execute PARAMETER VALUE TEXT     execute a passed proposal (the same three arguments as propose)
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors, Func<string, string?> environment)
    {
        var rest = new List<string>();
        string? rpc = environment("SG_CLI_RPC"), controller = environment("SG_CLI_CONTROLLER"), key = environment("SG_CLI_KEY");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rpc" when i + 1 < args.Length: rpc = args[++i]; break;
                case "--controller" when i + 1 < args.Length: controller = args[++i]; break;
                case "--key" when i + 1 < args.Length: key = args[++i]; break;
                case "-h" or "--help" or "help": await output.WriteLineAsync(Usage); return 0;
                default: rest.Add(args[i]); break;
            }
        }
        if (rest.Count == 0)
        {
            await errors.WriteLineAsync(Usage);
            return 2;
        }
        if (string.IsNullOrEmpty(rpc) || string.IsNullOrEmpty(controller))
        {
            await errors.WriteLineAsync("sgcli: --rpc and --controller (or SG_CLI_RPC and SG_CLI_CONTROLLER) are required");
            return 2;
        }
        try
        {
            var session = await Session.OpenAsync(rpc, controller, key);
            return await session.RunAsync(rest, output);
        }
        catch (UsageException e)
        {
            await errors.WriteLineAsync($"sgcli: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException ||
                                  e.GetType().Namespace?.StartsWith("Nethereum", StringComparison.Ordinal) == true)
        {
            await errors.WriteLineAsync($"sgcli: {e.Message}");
            return 1;
        }
    }
}

/// <summary>A mistake in the command line: exit code 2 and the reason.</summary>
public sealed class UsageException(string message) : Exception(message);

internal sealed class Session(IWeb3 web3, EconomicsAddresses contracts, LivepeerAddresses pool, string? self)
{
    private readonly NetworkEconomics _economics = new(web3);

    public static async Task<Session> OpenAsync(string rpc, string controller, string? key)
    {
        var web3 = key is { Length: > 0 } ? new Web3(new Account(key), rpc) : new Web3(rpc);
        var economics = await new NetworkEconomics(web3).ResolveAsync(controller);
        var pool = await new LivepeerPool(web3).ResolveAsync(controller);
        return new Session(web3, economics, pool, key is { Length: > 0 } ? web3.TransactionManager.Account.Address : null);
    }

    private string Self => self ?? throw new UsageException("this command sends a transaction: give --key (or SG_CLI_KEY)");

    private static string Arg(List<string> args, int index, string what) =>
        index < args.Count ? args[index] : throw new UsageException($"{args[0]} needs {what}");

    private static BigInteger Amount(string text) =>
        Tokens.Parse(text) is { } v && v > 0 ? v : throw new UsageException($"\"{text}\" is not an amount (100, 0.5 or 123wei)");

    private static string Address(string text) =>
        text.Length == 42 && text.StartsWith("0x", StringComparison.Ordinal) && text[2..].All(char.IsAsciiHexDigit)
            ? text : throw new UsageException($"\"{text}\" is not an address");

    private static BigInteger Id(string text) =>
        BigInteger.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw new UsageException($"\"{text}\" is not a number");

    public async Task<int> RunAsync(List<string> args, TextWriter o)
    {
        switch (args[0])
        {
            case "status":
                await StatusAsync(args.Count > 1 ? Address(args[1]) : self, o);
                return 0;
            case "orchestrators":
                foreach (var entry in await new LivepeerPool(web3).ReadAsync(pool, CancellationToken.None))
                {
                    var e = await _economics.ReadOrchestratorAsync(contracts, entry.Address);
                    await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{e.Address}  stake {Tokens.Format(e.TotalStake)} LPT  reward cut {e.RewardCut:P2}  fee share {e.FeeShare:P2}  last reward round {e.LastRewardRound}  {(entry.Active ? "active" : "inactive")}  {entry.ServiceUri}"));
                }
                return 0;
            case "bond":
            {
                await WarnBeforeRewardAsync(o);
                var amount = Amount(Arg(args, 1, "an amount"));
                var to = Address(Arg(args, 2, "an orchestrator"));
                await SendAsync(contracts.Token, new ApproveFunction { Spender = contracts.BondingManager, Value = amount });
                await SendAsync(contracts.BondingManager, new BondFunction { Amount = amount, To = to }, o);
                await StatusAsync(Self, o);
                return 0;
            }
            case "unbond":
            {
                await WarnBeforeRewardAsync(o);
                var before = await _economics.ReadDelegatorAsync(contracts, Self);
                await SendAsync(contracts.BondingManager, new UnbondFunction { Amount = Amount(Arg(args, 1, "an amount")) }, o);
                var after = await _economics.ReadDelegatorAsync(contracts, Self);
                foreach (var l in after.UnbondingLocks.Where(l => before.UnbondingLocks.All(b => b.Id != l.Id)))
                {
                    await o.WriteLineAsync($"unbonding lock {l.Id}: {Tokens.Format(l.Amount)} LPT, withdrawable from round {l.WithdrawRound}");
                }
                return 0;
            }
            case "rebond":
            {
                await WarnBeforeRewardAsync(o);
                var lockId = Id(Arg(args, 1, "a lock id"));
                if (args.Count > 2)
                {
                    await SendAsync(contracts.BondingManager, new RebondFromUnbondedFunction { To = Address(args[2]), LockId = lockId }, o);
                }
                else
                {
                    await SendAsync(contracts.BondingManager, new RebondFunction { LockId = lockId }, o);
                }
                await StatusAsync(Self, o);
                return 0;
            }
            case "withdraw-stake":
                await SendAsync(contracts.BondingManager, new WithdrawStakeFunction { LockId = Id(Arg(args, 1, "a lock id")) }, o);
                return 0;
            case "withdraw-fees":
            {
                var position = await _economics.ReadDelegatorAsync(contracts, Self);
                var amount = args.Count > 1 ? Amount(args[1]) : position.PendingFees;
                if (amount.IsZero)
                {
                    await o.WriteLineAsync("no fees to withdraw");
                    return 0;
                }
                await SendAsync(contracts.BondingManager, new WithdrawFeesFunction { Recipient = Self, Amount = amount }, o);
                await o.WriteLineAsync($"withdrew {Tokens.Format(amount)} ETH to {Self}");
                return 0;
            }
            case "claim":
            {
                await WarnBeforeRewardAsync(o);
                var round = await web3.Eth.GetContractQueryHandler<CurrentRoundFunction>().QueryAsync<BigInteger>(contracts.RoundsManager, new CurrentRoundFunction());
                await SendAsync(contracts.BondingManager, new ClaimEarningsFunction { EndRound = round }, o);
                await StatusAsync(Self, o);
                return 0;
            }
            case "transcoder":
            {
                var cut = Tokens.Percent(Arg(args, 1, "a reward cut in percent")) ?? throw new UsageException("the reward cut is a percentage, 0–100");
                var share = Tokens.Percent(Arg(args, 2, "a fee share in percent")) ?? throw new UsageException("the fee share is a percentage, 0–100");
                await SendAsync(contracts.BondingManager, new TranscoderFunction { RewardCut = cut, FeeShare = share }, o);
                return 0;
            }
            case "reward":
                await SendAsync(contracts.BondingManager, new RewardFunction(), o);
                return 0;
            case "propose":
            {
                var (targets, values, calldatas, description) = Proposal(args);
                await SendAsync(Governor, new ProposeFunction { Targets = targets, Values = values, Calldatas = calldatas, Description = description }, o);
                await o.WriteLineAsync($"proposal {await ProposalIdAsync(targets, values, calldatas, description)}");
                return 0;
            }
            case "execute":
            {
                var (targets, values, calldatas, description) = Proposal(args);
                await SendAsync(Governor, new ExecuteFunction
                {
                    Targets = targets, Values = values, Calldatas = calldatas, DescriptionHash = Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(description)),
                }, o);
                return 0;
            }
            case "vote":
            {
                byte support = Arg(args, 2, "for, against or abstain") switch
                {
                    "against" => 0, "for" => 1, "abstain" => 2,
                    var other => throw new UsageException($"\"{other}\" is not for, against or abstain"),
                };
                await SendAsync(Governor, new CastVoteFunction { ProposalId = Id(Arg(args, 1, "a proposal id")), Support = support }, o);
                return 0;
            }
            case "proposal":
            {
                var id = Id(Arg(args, 1, "a proposal id"));
                var state = (ProposalState)await web3.Eth.GetContractQueryHandler<ProposalStateFunction>().QueryAsync<byte>(Governor, new ProposalStateFunction { ProposalId = id });
                var votes = await web3.Eth.GetContractQueryHandler<ProposalVotesFunction>()
                    .QueryDeserializingToObjectAsync<ProposalVotes>(new ProposalVotesFunction { ProposalId = id }, Governor);
                var deadline = await web3.Eth.GetContractQueryHandler<ProposalDeadlineFunction>().QueryAsync<BigInteger>(Governor, new ProposalDeadlineFunction { ProposalId = id });
                var quota = await web3.Eth.GetContractQueryHandler<QuotaFunction>().QueryAsync<BigInteger>(Governor, new QuotaFunction());
                await o.WriteLineAsync($"proposal {id}: {state.ToString().ToLowerInvariant()}");
                await o.WriteLineAsync($"  for {Tokens.Format(votes.For)}  against {Tokens.Format(votes.Against)}  abstain {Tokens.Format(votes.Abstain)} (LPT)");
                await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  voting ends at round {deadline}; passes with a quorum and {Perc.Share(quota):P2} of for + against voting for"));
                return 0;
            }
            default:
                throw new UsageException($"unknown command \"{args[0]}\" (sgcli --help)");
        }
    }

    /// <summary>
    /// Moving stake or claiming claims this account's earnings up to now; when its orchestrator has not called reward()
    /// in this round yet, that round's reward for this stake is then lost (the protocol's rule). Said, not refused.
    /// </summary>
    private async Task WarnBeforeRewardAsync(TextWriter o)
    {
        if (self is null)
        {
            return;
        }
        var position = await _economics.ReadDelegatorAsync(contracts, self);
        if (position.Delegate is not { } orchestrator || position.Bonded.IsZero)
        {
            return;
        }
        var round = await web3.Eth.GetContractQueryHandler<CurrentRoundFunction>().QueryAsync<BigInteger>(contracts.RoundsManager, new CurrentRoundFunction());
        var active = await web3.Eth.GetContractQueryHandler<IsActiveTranscoderFunction>()
            .QueryAsync<bool>(contracts.BondingManager, new IsActiveTranscoderFunction { Transcoder = orchestrator });
        var info = await _economics.ReadOrchestratorAsync(contracts, orchestrator);
        if (active && info.LastRewardRound < round)
        {
            await o.WriteLineAsync($"note: {orchestrator} has not called reward() in round {round} yet; this claims your earnings now, " +
                "so this round's reward for your stake is lost (wait for its reward call to keep it)");
        }
    }

    private string Governor => contracts.Governor ?? throw new InvalidOperationException("the Controller names no LivepeerGovernor");

    /// <summary>propose/execute PARAMETER VALUE TEXT: one call to a Minter setter.</summary>
    private (List<string>, List<BigInteger>, List<byte[]>, string) Proposal(List<string> args)
    {
        var parameter = Arg(args, 1, "a parameter (target-bonding-rate or inflation-change)");
        var text = Arg(args, 2, "a value in percent");
        var description = Arg(args, 3, "a description");
        // The Minter's rates are over 1,000,000,000: one percent is 10,000,000.
        if (!decimal.TryParse(text.TrimEnd('%'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) ||
            percent < 0 || percent > 100 || decimal.Round(percent, 7) != percent)
        {
            throw new UsageException($"\"{text}\" is not a percentage with at most 7 decimals");
        }
        var value = new BigInteger(percent * 10_000_000m);
        byte[] call = parameter switch
        {
            "target-bonding-rate" => new SetTargetBondingRateFunction { Value = value }.GetCallData(),
            "inflation-change" => new SetInflationChangeFunction { Value = value }.GetCallData(),
            _ => throw new UsageException($"\"{parameter}\" is not target-bonding-rate or inflation-change"),
        };
        return ([contracts.Minter], [BigInteger.Zero], [call], description);
    }

    private async Task<BigInteger> ProposalIdAsync(List<string> targets, List<BigInteger> values, List<byte[]> calldatas, string description) =>
        await web3.Eth.GetContractQueryHandler<HashProposalFunction>().QueryAsync<BigInteger>(Governor, new HashProposalFunction
        {
            Targets = targets, Values = values, Calldatas = calldatas, DescriptionHash = Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(description)),
        });

    private async Task SendAsync<T>(string contract, T function, TextWriter? o = null) where T : FunctionMessage, new()
    {
        _ = Self;
        var receipt = await web3.Eth.GetContractTransactionHandler<T>().SendRequestAndWaitForReceiptAsync(contract, function);
        var name = typeof(T).Name.Replace("Function", "", StringComparison.Ordinal);
        if (receipt.Status.Value != 1)
        {
            throw new InvalidOperationException($"{name} reverted ({receipt.TransactionHash})");
        }
        if (o is not null)
        {
            await o.WriteLineAsync($"{char.ToLowerInvariant(name[0])}{name[1..]}: mined in block {receipt.BlockNumber.Value} ({receipt.TransactionHash})");
        }
    }

    private async Task StatusAsync(string? address, TextWriter o)
    {
        var n = await _economics.ReadNetworkAsync(contracts);
        await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"round {n.Round}{(n.RoundInitialized ? "" : " (not initialized)")}  inflation {n.InflationPerRound:P5}/round  bonding rate {n.BondingRate:P2} (target {n.TargetBondingRate:P2})"));
        await o.WriteLineAsync($"supply {Tokens.Format(n.TotalSupply)} LPT  bonded {Tokens.Format(n.TotalBonded)} LPT  mintable this round {Tokens.Format(n.MintableThisRound)} LPT");
        if (address is null)
        {
            return;
        }
        var d = await _economics.ReadDelegatorAsync(contracts, address);
        await o.WriteLineAsync($"{d.Address}: bonded {Tokens.Format(d.Bonded)} LPT to {d.Delegate ?? "nobody"}  pending stake {Tokens.Format(d.PendingStake)} LPT  pending fees {Tokens.Format(d.PendingFees)} ETH  last claim round {d.LastClaimRound}");
        foreach (var l in d.UnbondingLocks)
        {
            await o.WriteLineAsync($"  unbonding lock {l.Id}: {Tokens.Format(l.Amount)} LPT, withdrawable from round {l.WithdrawRound}");
        }
    }
}
