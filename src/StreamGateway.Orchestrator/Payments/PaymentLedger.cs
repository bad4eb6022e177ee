using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Options;
using StreamGateway.Network.Payments;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>
/// The recipient's books (livepeer-protocol §3.4–3.5): checks every ticket of a payment, credits each valid one's
/// expected value to the (sender, session) balance, keeps the winners, and debits the price of the pixels produced.
/// <see cref="PaymentLedgerSweep"/> forgets the nonces of expired params and the balances of idle sessions.
/// </summary>
public sealed class PaymentLedger(TicketIssuer issuer, ChainClock chain, WinningTicketStore winners, IOptions<PaymentOptions> options,
    TimeProvider clock)
{
    private readonly SessionBalances _balances = new(options.Value.MaxBalances);
    private readonly SenderNonces _nonces = new(options.Value.MaxTicketParams);
    private readonly Lock _lock = new();

    /// <summary>How many sets of ticket params have their nonces tracked, and how many session balances are kept.</summary>
    public (int TicketParams, int Balances) Tracked
    {
        get
        {
            lock (_lock)
            {
                return (_nonces.Count, _balances.Count);
            }
        }
    }

    /// <summary>Checks and credits a payment; null when it is good, else go-O's 400 text.</summary>
    public string? Process(Payment payment, string session)
    {
        if (payment.TicketParams is not { } p)
        {
            return null; // no tickets: only a free session gets work (see Covers)
        }
        if (payment.Sender.Length != 20)
        {
            return "missing sender";
        }
        if (!p.Recipient.Span.SequenceEqual(issuer.Recipient))
        {
            return "invalid ticket recipient";
        }
        if (payment.ExpirationParams is not { } expiration)
        {
            return "missing ticket expiration params";
        }
        var rand = issuer.Rand(p, payment.Sender.Span, expiration);
        var randHash = TicketMath.RecipientRandHash(rand);
        if (!randHash.AsSpan().SequenceEqual(p.RecipientRandHash.Span))
        {
            return "invalid recipientRand for recipientRandHash";
        }
        var expirationBlock = Uint256.FromBytes(p.ExpirationBlock.Span);
        if (chain.Now is { } now && expirationBlock <= now.Block)
        {
            return "ticket params expired";
        }
        var faceValue = Uint256.FromBytes(p.FaceValue.Span);
        var winProb = Uint256.FromBytes(p.WinProb.Span);
        var ev = TicketMath.ExpectedValue(faceValue, winProb);
        var sender = Convert.ToHexStringLower(payment.Sender.Span);
        var randKey = Convert.ToHexStringLower(randHash);
        foreach (var sent in payment.TicketSenderParams)
        {
            var ticket = new Ticket(issuer.Recipient, payment.Sender.ToByteArray(), faceValue, winProb, sent.SenderNonce, randHash,
                expiration.CreationRound, Uint256.Pad32(expiration.CreationRoundBlockHash.Span));
            var hash = ticket.Hash();
            if (!BroadcasterIdentity.VerifyHash(payment.Sender.Span, hash, sent.Sig.Span))
            {
                return "invalid ticket signature";
            }
            lock (_lock)
            {
                if (!_balances.CanHold((sender, session)))
                {
                    return "too many sessions with a balance; try again later";
                }
                if (_nonces.Use(randKey, expirationBlock, sent.SenderNonce) is { } nonceError)
                {
                    return nonceError;
                }
                _balances.Add((sender, session), ev, clock.GetUtcNow());
            }
            OrchestratorMetrics.TicketsReceived.Add(1);
            if (TicketMath.IsWinning(sent.Sig.Span, rand, winProb))
            {
                OrchestratorMetrics.TicketsWon.Add(1);
                winners.Add(new WinningTicket
                {
                    Recipient = Convert.ToHexStringLower(ticket.Recipient),
                    Sender = sender,
                    FaceValue = faceValue.ToString(CultureInfo.InvariantCulture),
                    WinProb = winProb.ToString(CultureInfo.InvariantCulture),
                    SenderNonce = sent.SenderNonce,
                    RecipientRandHash = randKey,
                    CreationRound = expiration.CreationRound.ToString(CultureInfo.InvariantCulture),
                    CreationRoundBlockHash = Convert.ToHexStringLower(ticket.CreationRoundBlockHash),
                    Sig = Convert.ToHexStringLower(sent.Sig.Span),
                    RecipientRand = rand.ToString(CultureInfo.InvariantCulture),
                    ExpirationBlock = expirationBlock.ToString(CultureInfo.InvariantCulture),
                    Hash = Convert.ToHexStringLower(hash),
                    WonAt = clock.GetUtcNow(),
                });
            }
        }
        return null;
    }

    /// <summary>go-O's rule before transcoding for a priced session: the credit must cover at least one ticket's EV.</summary>
    public bool Sufficient(ReadOnlySpan<byte> sender, string session, BigInteger ticketEv)
    {
        lock (_lock)
        {
            return _balances.Get((Convert.ToHexStringLower(sender), session)) >= ticketEv;
        }
    }

    public void Debit(ReadOnlySpan<byte> sender, string session, BigInteger amount)
    {
        lock (_lock)
        {
            _balances.Add((Convert.ToHexStringLower(sender), session), -amount, clock.GetUtcNow());
        }
    }

    /// <summary>
    /// Forgets the nonces of params expired by <paramref name="block"/> (null: the chain has not been read, so none)
    /// and the balances untouched since <paramref name="idleSince"/>.
    /// </summary>
    public void Prune(BigInteger? block, DateTimeOffset idleSince)
    {
        lock (_lock)
        {
            if (block is { } b)
            {
                _nonces.ForgetExpired(b);
            }
            _balances.ForgetIdle(idleSince);
        }
    }
}
