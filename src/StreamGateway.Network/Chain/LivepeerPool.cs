using System.Numerics;
using System.Text;
using Nethereum.Util;
using Nethereum.Web3;

namespace StreamGateway.Network.Chain;

/// <summary>
/// Reads the transcoder pool the way go-livepeer's discovery does (livepeer-protocol §1.1–1.2): resolve contract
/// addresses with <c>Controller.getContract(keccak256(name))</c>, walk the pool from
/// <c>getFirstTranscoderInPool</c> with <c>getNextTranscoderInPool</c> until the zero address, and read each
/// orchestrator's stake, activation and service URI. Read-only: it works against Arbitrum One as well as the devnet.
/// </summary>
public sealed class LivepeerPool(IWeb3 web3)
{
    public const string ZeroAddress = "0x0000000000000000000000000000000000000000";

    /// <summary>Hard stop for a corrupt or cyclic pool list.</summary>
    private const int MaxPoolWalk = 1000;

    public static byte[] ContractId(string name) => Sha3Keccack.Current.CalculateHash(Encoding.UTF8.GetBytes(name));

    public async Task<LivepeerAddresses> ResolveAsync(string controller)
    {
        async Task<string> Get(string name)
        {
            var address = await web3.Eth.GetContractQueryHandler<GetContractFunction>()
                .QueryAsync<string>(controller, new GetContractFunction { Id = ContractId(name) });
            if (string.IsNullOrEmpty(address) || address == ZeroAddress)
            {
                throw new InvalidOperationException($"the Controller at {controller} has no {name}");
            }
            return address;
        }
        return new LivepeerAddresses(await Get("BondingManager"), await Get("ServiceRegistry"), await Get("RoundsManager"),
            await Get("TicketBroker"));
    }

    public Task<BigInteger> CurrentRoundAsync(LivepeerAddresses contracts) =>
        web3.Eth.GetContractQueryHandler<CurrentRoundFunction>().QueryAsync<BigInteger>(contracts.RoundsManager, new CurrentRoundFunction());

    public async Task<IReadOnlyList<PoolEntry>> ReadAsync(LivepeerAddresses contracts, CancellationToken ct)
    {
        var entries = new List<PoolEntry>();
        var address = await web3.Eth.GetContractQueryHandler<GetFirstTranscoderInPoolFunction>()
            .QueryAsync<string>(contracts.BondingManager, new GetFirstTranscoderInPoolFunction());
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (!string.IsNullOrEmpty(address) && !address.Equals(ZeroAddress, StringComparison.OrdinalIgnoreCase) && seen.Add(address))
        {
            ct.ThrowIfCancellationRequested();
            if (entries.Count >= MaxPoolWalk)
            {
                throw new InvalidOperationException($"the transcoder pool lists more than {MaxPoolWalk} orchestrators");
            }
            entries.Add(await ReadEntryAsync(contracts, address));
            address = await web3.Eth.GetContractQueryHandler<GetNextTranscoderInPoolFunction>()
                .QueryAsync<string>(contracts.BondingManager, new GetNextTranscoderInPoolFunction { Transcoder = address });
        }
        return entries;
    }

    private async Task<PoolEntry> ReadEntryAsync(LivepeerAddresses contracts, string address)
    {
        var stake = web3.Eth.GetContractQueryHandler<TranscoderTotalStakeFunction>()
            .QueryAsync<BigInteger>(contracts.BondingManager, new TranscoderTotalStakeFunction { Transcoder = address });
        var active = web3.Eth.GetContractQueryHandler<IsActiveTranscoderFunction>()
            .QueryAsync<bool>(contracts.BondingManager, new IsActiveTranscoderFunction { Transcoder = address });
        var info = web3.Eth.GetContractQueryHandler<GetTranscoderFunction>()
            .QueryDeserializingToObjectAsync<TranscoderInfo>(new GetTranscoderFunction { Transcoder = address }, contracts.BondingManager);
        var uri = web3.Eth.GetContractQueryHandler<GetServiceUriFunction>()
            .QueryAsync<string>(contracts.ServiceRegistry, new GetServiceUriFunction { Address = address });
        await Task.WhenAll(stake, active, info, uri);
        return new PoolEntry(address, stake.Result, uri.Result ?? "", active.Result, info.Result.RewardCut, info.Result.FeeShare);
    }
}
