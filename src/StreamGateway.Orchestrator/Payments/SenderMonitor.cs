using System.Collections.Concurrent;
using System.Numerics;
using StreamGateway.Network.Chain;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>
/// What the chain says of a broadcaster (livepeer-protocol §3.2, §3.8): its deposit and reserve, whether it is
/// unlocking them, and this orchestrator's share of its reserve. Read once per sender every 30 s.
/// </summary>
public sealed class SenderMonitor(ChainClock chain, WinningTicketStore winners, Microsoft.Extensions.Options.IOptions<OrchestratorOptions> options,
    TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, SenderState> _cache = new();

    private static string Address(ReadOnlySpan<byte> sender) => "0x" + Convert.ToHexStringLower(sender);

    /// <summary>The sender's state, read from the chain when the cached one is older than 30 s; null off-chain.</summary>
    public async Task<SenderState?> ReadAsync(ReadOnlyMemory<byte> sender)
    {
        if (chain.Web3 is not { } web3 || chain.Contracts is not { } contracts || sender.Length != 20)
        {
            return null;
        }
        var address = Address(sender.Span);
        if (_cache.TryGetValue(address, out var known) && clock.GetUtcNow() - known.ReadAt <= CacheFor)
        {
            return known;
        }
        var info = await web3.Eth.GetContractQueryHandler<GetSenderInfoFunction>()
            .QueryDeserializingToObjectAsync<SenderInfoOutput>(new GetSenderInfoFunction { Address = address }, contracts.TicketBroker);
        var poolSize = await web3.Eth.GetContractQueryHandler<GetTranscoderPoolSizeFunction>()
            .QueryAsync<BigInteger>(contracts.BondingManager, new GetTranscoderPoolSizeFunction());
        var claimed = options.Value.EthereumAddress is { } me
            ? await web3.Eth.GetContractQueryHandler<ClaimedReserveFunction>()
                .QueryAsync<BigInteger>(contracts.TicketBroker, new ClaimedReserveFunction { ReserveHolder = address, Claimant = me })
            : BigInteger.Zero;
        known = new SenderState(info, poolSize, claimed, clock.GetUtcNow());
        _cache[address] = known;
        return known;
    }

    /// <summary>Unlocking: its funds can be withdrawn from the round after next, so its tickets are worth nothing.</summary>
    public bool Unlocking(SenderState state) =>
        !state.Info.Sender.WithdrawRound.IsZero && chain.Now is { } now && state.Info.Sender.WithdrawRound <= now.LastInitializedRound + BigInteger.One;

    /// <summary>The largest face value this sender's funds stand behind for this orchestrator, from the last read; null when never read.</summary>
    public BigInteger? MaxFloat(ReadOnlySpan<byte> sender)
    {
        if (sender.Length != 20 || !_cache.TryGetValue(Address(sender), out var state))
        {
            return null;
        }
        return MaxFloat(state, winners.PendingFaceValue(Address(sender)[2..]));
    }

    /// <summary>
    /// go-O's maxFloat (livepeer-protocol §3.2): this orchestrator's share of the reserve, (fundsRemaining +
    /// claimedInCurrentRound) / poolSize − what it already claimed; less the face value of its winning tickets not yet
    /// redeemed unless the deposit covers them three times over. Pure.
    /// </summary>
    public static BigInteger MaxFloat(SenderState state, BigInteger pending)
    {
        var reserve = state.Info.Reserve;
        var alloc = state.PoolSize.IsZero
            ? BigInteger.Zero
            : (reserve.FundsRemaining + reserve.ClaimedInCurrentRound) / state.PoolSize - state.ClaimedByMe;
        if (alloc.Sign < 0)
        {
            alloc = BigInteger.Zero;
        }
        if (pending.IsZero || state.Info.Sender.Deposit / pending >= 3)
        {
            return alloc;
        }
        return BigInteger.Max(BigInteger.Zero, alloc - pending);
    }
}
