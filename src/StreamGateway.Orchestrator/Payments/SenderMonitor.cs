using System.Collections.Concurrent;
using System.Numerics;
using Nethereum.Contracts;
using StreamGateway.Network.Chain;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>
/// What the TicketBroker says of a broadcaster (livepeer-protocol §3.2, §3.4): whether it has funds to pay winning
/// tickets and is not unlocking them. Read once per sender every 30 s.
/// </summary>
public sealed class SenderMonitor(ChainClock chain, TimeProvider clock)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, SenderInfoOutput Info)> _cache = new();

    /// <summary>Null when the sender may be paid with tickets; else go-O's refusal text.</summary>
    public async Task<string?> ProblemAsync(ReadOnlyMemory<byte> sender)
    {
        if (chain.Web3 is null || chain.Contracts is null || sender.Length != 20)
        {
            return null;
        }
        var address = "0x" + Convert.ToHexStringLower(sender.Span);
        if (!_cache.TryGetValue(address, out var known) || clock.GetUtcNow() - known.At > CacheFor)
        {
            var info = await chain.Web3.Eth.GetContractQueryHandler<GetSenderInfoFunction>()
                .QueryDeserializingToObjectAsync<SenderInfoOutput>(new GetSenderInfoFunction { Address = address }, chain.Contracts.TicketBroker);
            known = (clock.GetUtcNow(), info);
            _cache[address] = known;
        }
        var s = known.Info;
        if (s.Sender.Deposit.IsZero && s.Reserve.FundsRemaining.IsZero)
        {
            return "insufficient sender reserve";
        }
        // Unlocking: its funds can be withdrawn from the round after next, so its tickets are worth nothing.
        if (!s.Sender.WithdrawRound.IsZero && chain.Now is { } now && s.Sender.WithdrawRound <= now.LastInitializedRound + BigInteger.One)
        {
            return "sender is unlocked";
        }
        return null;
    }
}
