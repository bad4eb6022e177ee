using System.Numerics;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;

namespace StreamGateway.Network.Chain.Economics;

/// <summary>The contracts that hold the network's economics, resolved through the Controller.</summary>
/// <param name="Governor">Null where the Controller has no LivepeerGovernor.</param>
public sealed record EconomicsAddresses(string BondingManager, string RoundsManager, string Minter, string Token, string? Governor);

/// <summary>The network as a round sees it. Rates are fractions (0.5 = 50 %).</summary>
public sealed record NetworkState(
    BigInteger Round, bool RoundInitialized, double InflationPerRound, double InflationChange, double TargetBondingRate,
    BigInteger TotalSupply, BigInteger TotalBonded, double BondingRate, BigInteger MintableThisRound);

/// <summary>One orchestrator's economics. Shares are fractions; rewards and fees are what the contract reports as
/// earned since its last claim (LIP-36's cumulativeRewards and cumulativeFees).</summary>
public sealed record OrchestratorEconomics(
    string Address, BigInteger TotalStake, double RewardCut, double FeeShare, BigInteger LastRewardRound,
    BigInteger CumulativeRewards, BigInteger CumulativeFees, BigInteger LastFeeRound, int? Delegators);

public sealed record UnbondingLock(BigInteger Id, BigInteger Amount, BigInteger WithdrawRound);

/// <summary>One address's position: its bond, the stake and fees it would have after claiming up to this round, and
/// its unbonding locks (withdrawn or rebonded ones left out).</summary>
public sealed record DelegatorPosition(
    string Address, string? Delegate, BigInteger Bonded, BigInteger PendingStake, BigInteger PendingFees,
    BigInteger StartRound, BigInteger LastClaimRound, IReadOnlyList<UnbondingLock> UnbondingLocks);

/// <summary>
/// Reads delegation, inflation, rewards and fees with Livepeer's own calls, so that the same code reads the devnet and
/// Livepeer's contracts on Arbitrum One. Differences on Arbitrum: its Controller names the governor
/// "LivepeerGovernor" only since the Delta upgrade; the L2 token's <c>totalSupply</c> is the L2 supply, while the
/// Minter mints against <c>getGlobalTotalSupply</c> (L1 + L2), so the bonding rate shown there is an approximation; and
/// delegator counts come from <c>Bond</c> events, which on Arbitrum need a start block (an RPC will not scan from 0).
/// </summary>
public sealed class NetworkEconomics(IWeb3 web3)
{
    /// <summary>At most this many delegators are read per count; a larger set is reported as unknown (null).</summary>
    public const int MaxDelegatorsCounted = 10_000;

    private const int MaxLocksRead = 100;

    public async Task<EconomicsAddresses> ResolveAsync(string controller)
    {
        async Task<string?> Get(string name)
        {
            var address = await web3.Eth.GetContractQueryHandler<GetContractFunction>()
                .QueryAsync<string>(controller, new GetContractFunction { Id = LivepeerPool.ContractId(name) });
            return string.IsNullOrEmpty(address) || address.Equals(LivepeerPool.ZeroAddress, StringComparison.OrdinalIgnoreCase) ? null : address;
        }
        async Task<string> Need(string name) => await Get(name) ?? throw new InvalidOperationException($"the Controller at {controller} has no {name}");
        return new EconomicsAddresses(await Need("BondingManager"), await Need("RoundsManager"), await Need("Minter"),
            await Need("LivepeerToken"), await Get("LivepeerGovernor"));
    }

    private Task<BigInteger> UintAsync<T>(string contract, T call) where T : FunctionMessage, new() =>
        web3.Eth.GetContractQueryHandler<T>().QueryAsync<BigInteger>(contract, call);

    public async Task<NetworkState> ReadNetworkAsync(EconomicsAddresses c)
    {
        var round = UintAsync(c.RoundsManager, new CurrentRoundFunction());
        var initialized = web3.Eth.GetContractQueryHandler<CurrentRoundInitializedFunction>().QueryAsync<bool>(c.RoundsManager, new CurrentRoundInitializedFunction());
        var inflation = UintAsync(c.Minter, new InflationFunction());
        var change = UintAsync(c.Minter, new InflationChangeFunction());
        var target = UintAsync(c.Minter, new TargetBondingRateFunction());
        var supply = UintAsync(c.Token, new TotalSupplyFunction());
        var bonded = UintAsync(c.BondingManager, new GetTotalBondedFunction());
        var mintable = UintAsync(c.Minter, new CurrentMintableTokensFunction());
        await Task.WhenAll(round, initialized, inflation, change, target, supply, bonded, mintable);
        return new NetworkState(round.Result, initialized.Result, Rate(inflation.Result), Rate(change.Result), Rate(target.Result),
            supply.Result, bonded.Result, supply.Result.IsZero ? 0 : (double)(bonded.Result * 1_000_000_000 / supply.Result) / 1e9,
            mintable.Result);
    }

    /// <summary>The Minter's rates are over 1,000,000,000.</summary>
    public static double Rate(BigInteger value) => (double)value / 1e9;

    public async Task<OrchestratorEconomics> ReadOrchestratorAsync(EconomicsAddresses c, string address)
    {
        var stake = UintAsync(c.BondingManager, new TranscoderTotalStakeFunction { Transcoder = address });
        var info = web3.Eth.GetContractQueryHandler<GetTranscoderFunction>()
            .QueryDeserializingToObjectAsync<TranscoderInfo>(new GetTranscoderFunction { Transcoder = address }, c.BondingManager);
        await Task.WhenAll(stake, info);
        var t = info.Result;
        return new OrchestratorEconomics(address.ToLowerInvariant(), stake.Result, Perc.Share(t.RewardCut), Perc.Share(t.FeeShare),
            t.LastRewardRound, t.CumulativeRewards, t.CumulativeFees, t.LastFeeRound, null);
    }

    public async Task<DelegatorPosition> ReadDelegatorAsync(EconomicsAddresses c, string address)
    {
        var round = await UintAsync(c.RoundsManager, new CurrentRoundFunction());
        var info = web3.Eth.GetContractQueryHandler<GetDelegatorFunction>()
            .QueryDeserializingToObjectAsync<DelegatorInfo>(new GetDelegatorFunction { Delegator = address }, c.BondingManager);
        var stake = UintAsync(c.BondingManager, new PendingStakeFunction { Delegator = address, EndRound = round });
        var fees = UintAsync(c.BondingManager, new PendingFeesFunction { Delegator = address, EndRound = round });
        await Task.WhenAll(info, stake, fees);
        var d = info.Result;
        var locks = new List<UnbondingLock>();
        var next = (int)BigInteger.Min(d.NextUnbondingLockId, int.MaxValue);
        for (var id = Math.Max(0, next - MaxLocksRead); id < next; id++)
        {
            var l = await web3.Eth.GetContractQueryHandler<GetDelegatorUnbondingLockFunction>()
                .QueryDeserializingToObjectAsync<UnbondingLockInfo>(new GetDelegatorUnbondingLockFunction { Delegator = address, LockId = id }, c.BondingManager);
            if (!l.Amount.IsZero)
            {
                locks.Add(new UnbondingLock(id, l.Amount, l.WithdrawRound));
            }
        }
        var delegate_ = string.IsNullOrEmpty(d.DelegateAddress) || d.DelegateAddress.Equals(LivepeerPool.ZeroAddress, StringComparison.OrdinalIgnoreCase)
            ? null : d.DelegateAddress.ToLowerInvariant();
        return new DelegatorPosition(address.ToLowerInvariant(), delegate_, d.BondedAmount, stake.Result, fees.Result, d.StartRound, d.LastClaimRound, locks);
    }

    /// <summary>Every address that ever bonded since the block, from <c>Bond</c> events; null when there are too many.</summary>
    public async Task<IReadOnlyList<string>?> DelegatorsAsync(EconomicsAddresses c, BigInteger fromBlock)
    {
        var handler = web3.Eth.GetEvent<BondEvent>(c.BondingManager);
        var logs = await handler.GetAllChangesAsync(handler.CreateFilterInput(
            new BlockParameter(new Nethereum.Hex.HexTypes.HexBigInteger(fromBlock)), BlockParameter.CreateLatest()));
        var seen = logs.Select(l => l.Event.Delegator.ToLowerInvariant()).Distinct().ToList();
        return seen.Count > MaxDelegatorsCounted ? null : seen;
    }

    /// <summary>For each orchestrator, how many of these addresses (itself left out) have a bond delegated to it: one
    /// read per address.</summary>
    public async Task<IReadOnlyDictionary<string, int>> DelegatorCountsAsync(EconomicsAddresses c, IReadOnlyList<string> delegators)
    {
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var address in delegators)
        {
            var d = await web3.Eth.GetContractQueryHandler<GetDelegatorFunction>()
                .QueryDeserializingToObjectAsync<DelegatorInfo>(new GetDelegatorFunction { Delegator = address }, c.BondingManager);
            if (!d.BondedAmount.IsZero && !d.DelegateAddress.Equals(address, StringComparison.OrdinalIgnoreCase))
            {
                counts[d.DelegateAddress] = counts.GetValueOrDefault(d.DelegateAddress) + 1;
            }
        }
        return counts;
    }
}
