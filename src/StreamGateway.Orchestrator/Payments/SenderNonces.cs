using System.Globalization;
using System.Numerics;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>
/// The sender nonces seen per set of ticket params, keyed by recipientRandHash (livepeer-protocol §3.5): each nonce
/// counts once. Params past their expiration block are refused whatever their nonce, so their nonces can be forgotten
/// then, as go-livepeer's recipient does on every new block; how many sets are tracked at once is bounded. Pure and
/// not thread-safe: <see cref="PaymentLedger"/> holds its lock around it.
/// </summary>
public sealed class SenderNonces(int maxParams)
{
    /// <summary>Nonces a sender may use per recipientRand (go-livepeer maxSenderNonces).</summary>
    public const int MaxNoncesPerParams = 600;

    private readonly Dictionary<string, (BigInteger ExpirationBlock, HashSet<uint> Seen)> _byRandHash = [];

    public int Count => _byRandHash.Count;

    /// <summary>Records <paramref name="nonce"/> for the params; null when it is new, else the refusal.</summary>
    public string? Use(string randHash, BigInteger expirationBlock, uint nonce)
    {
        if (!_byRandHash.TryGetValue(randHash, out var entry))
        {
            if (_byRandHash.Count >= maxParams)
            {
                return "too many ticket params in use; try again later";
            }
            entry = (expirationBlock, []);
            _byRandHash[randHash] = entry;
        }
        return entry.Seen.Count < MaxNoncesPerParams && entry.Seen.Add(nonce)
            ? null
            : $"invalid ticket senderNonce {nonce.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>Forgets the params whose expiration block is at or before <paramref name="block"/>; returns how many.</summary>
    public int ForgetExpired(BigInteger block)
    {
        var expired = _byRandHash.Where(e => e.Value.ExpirationBlock <= block).Select(e => e.Key).ToList();
        expired.ForEach(key => _byRandHash.Remove(key));
        return expired.Count;
    }
}
