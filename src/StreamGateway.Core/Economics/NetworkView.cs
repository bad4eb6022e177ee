using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Options;
using Nethereum.Web3;
using StreamGateway.Core.Transcoding;
using StreamGateway.Network.Chain;
using StreamGateway.Network.Chain.Economics;

namespace StreamGateway.Core.Economics;

/// <summary>
/// The network's economics as the chain holds them, read with Livepeer's calls from the same Controller the pool comes
/// from (so it also reads Livepeer's contracts on Arbitrum One). Answers are kept a few seconds per node: the chain
/// moves by blocks, and an admin page that refreshes must not turn into a flood of RPC calls.
/// </summary>
public sealed class NetworkView(IOptions<TranscodingOptions> options, IOptions<EconomicsOptions> economics, TimeProvider clock) : IDisposable
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private NetworkEconomics? _reader;
    private LivepeerPool? _pool;
    private EconomicsAddresses? _contracts;
    private LivepeerAddresses? _poolContracts;
    private (DateTimeOffset At, NetworkResource Value)? _network;

    public bool Available => options.Value.UsesChain;

    private async Task<(NetworkEconomics Reader, EconomicsAddresses Contracts)> ConnectAsync()
    {
        if (_reader is null)
        {
            var web3 = new Web3(options.Value.RpcUrl);
            (_reader, _pool) = (new NetworkEconomics(web3), new LivepeerPool(web3));
        }
        _contracts ??= await _reader.ResolveAsync(options.Value.Controller!);
        _poolContracts ??= await _pool!.ResolveAsync(options.Value.Controller!);
        return (_reader, _contracts);
    }

    public async Task<NetworkResource> NetworkAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_network is { } cached && clock.GetUtcNow() - cached.At < Fresh)
            {
                return cached.Value;
            }
            var (reader, contracts) = await ConnectAsync();
            var state = await reader.ReadNetworkAsync(contracts);
            var pool = await _pool!.ReadAsync(_poolContracts!, ct);
            var counts = economics.Value.DelegatorEventsFromBlock is { } from && await reader.DelegatorsAsync(contracts, from) is { } delegators
                ? await reader.DelegatorCountsAsync(contracts, delegators) : null;
            var orchestrators = new List<OrchestratorEconomicsResource>();
            foreach (var entry in pool)
            {
                var o = await reader.ReadOrchestratorAsync(contracts, entry.Address);
                orchestrators.Add(OrchestratorEconomicsResource.From(o with { Delegators = counts?.GetValueOrDefault(entry.Address) }, entry.Active, state.Round));
            }
            var value = NetworkResource.From(state, contracts, orchestrators);
            _network = (clock.GetUtcNow(), value);
            return value;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<DelegatorResource> DelegatorAsync(string address, CancellationToken ct)
    {
        var (reader, contracts) = await ConnectAsync();
        ct.ThrowIfCancellationRequested();
        return DelegatorResource.From(await reader.ReadDelegatorAsync(contracts, address));
    }

    public void Dispose() => _gate.Dispose();

    internal static string Wei(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);
}
