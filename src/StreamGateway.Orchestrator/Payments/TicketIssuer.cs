using System.Numerics;
using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using StreamGateway.Network.Payments;
using StreamGateway.Network.Wire;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>
/// Issues TicketParams to a broadcaster (livepeer-protocol §3.2) and recomputes their recipientRand from what comes
/// back. Nothing is stored per params: recipientRand is an HMAC of the params under a secret of this process.
/// </summary>
public sealed class TicketIssuer(IOptions<PaymentOptions> payments, IOptions<OrchestratorOptions> orchestrator, ChainClock chain,
    SenderMonitor senders)
{
    /// <summary>go-O's floor for a face value below the redemption cost: redeemGas × 3 gwei.</summary>
    private static readonly BigInteger MinGasPrice = 3_000_000_000;

    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    /// <summary>With a chain account every broadcaster is offered ticket params, as go-O does even at price 0 (an on-chain
    /// go-B skips an orchestrator without them).</summary>
    public bool OnChain => chain.Web3 is not null && Recipient.Length == 20;

    /// <summary>Payments are on (tickets required, balances kept) when there is a price and a chain account.</summary>
    public bool Enabled => orchestrator.Value.PricePerUnit > 0 && OnChain;

    public byte[] Recipient => orchestrator.Value.EthereumAddress is { Length: 42 } a ? Convert.FromHexString(a[2..]) : [];

    public (BigInteger Numerator, BigInteger Denominator) Price
    {
        get
        {
            var o = orchestrator.Value;
            var gcd = BigInteger.GreatestCommonDivisor(o.PricePerUnit, o.PixelsPerUnit);
            return gcd.IsZero ? (0, 1) : (o.PricePerUnit / gcd, o.PixelsPerUnit / gcd);
        }
    }

    /// <summary>
    /// The face value offered to <paramref name="sender"/> (livepeer-protocol §3.2): the configured one, or redeem gas ×
    /// gas price × 100 (at least EV × 100), capped by what the sender's reserve stands behind for this orchestrator.
    /// </summary>
    public BigInteger FaceValue(ChainMoment now, ReadOnlySpan<byte> sender)
    {
        var p = payments.Value;
        BigInteger value;
        if (p.FaceValueWei is { } fixedValue)
        {
            value = BigInteger.Parse(fixedValue, System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            value = now.GasPrice * p.RedeemGas * p.TxCostMultiplier;
            if (value < p.TicketEv)
            {
                value = p.TicketEv * p.TxCostMultiplier;
            }
        }
        return senders.MaxFloat(sender) is { } maxFloat ? BigInteger.Min(value, maxFloat) : value;
    }

    /// <summary>
    /// Null when <paramref name="sender"/> can be offered tickets; else go-O's refusal: "sender is unlocked", or
    /// "insufficient sender reserve" when the face value its funds allow is under one ticket's EV, or under the cost
    /// of redeeming it.
    /// </summary>
    public async Task<string?> ProblemAsync(ReadOnlyMemory<byte> sender)
    {
        if (await senders.ReadAsync(sender) is not { } state || chain.Now is not { } now)
        {
            return null;
        }
        if (senders.Unlocking(state))
        {
            return "sender is unlocked";
        }
        var p = payments.Value;
        var faceValue = FaceValue(now, sender.Span);
        if (faceValue < p.TicketEv || (faceValue < now.GasPrice * p.RedeemGas && faceValue < MinGasPrice * p.RedeemGas))
        {
            return "insufficient sender reserve";
        }
        return null;
    }

    /// <summary>
    /// Fresh params for <paramref name="sender"/>; null without a chain account or before the chain has been read. At
    /// price 0 they carry a zero face value and win probability (empty bytes on the wire): nothing to pay, but the
    /// expiry and round a go-B checks.
    /// </summary>
    public TicketParams? Create(ReadOnlySpan<byte> sender)
    {
        if (!OnChain || sender.Length != 20 || chain.Now is not { } now)
        {
            return null;
        }
        var faceValue = Enabled ? FaceValue(now, sender) : BigInteger.Zero;
        var winProb = TicketMath.WinProb(payments.Value.TicketEv, faceValue);
        var seed = RandomNumberGenerator.GetBytes(32);
        var expirationBlock = now.Block + payments.Value.ExpirationBlocks;
        var expiration = new TicketExpirationParams
        {
            CreationRound = (long)now.CreationRound,
            CreationRoundBlockHash = ByteString.CopyFrom(now.RoundBlockHash),
        };
        var rand = Rand(seed, sender, faceValue, winProb, expirationBlock, expiration);
        return new TicketParams
        {
            Recipient = ByteString.CopyFrom(Recipient),
            FaceValue = ByteString.CopyFrom(Uint256.Minimal(faceValue)),
            WinProb = ByteString.CopyFrom(Uint256.Minimal(winProb)),
            RecipientRandHash = ByteString.CopyFrom(TicketMath.RecipientRandHash(rand)),
            Seed = ByteString.CopyFrom(seed),
            ExpirationBlock = ByteString.CopyFrom(Uint256.Minimal(expirationBlock)),
            ExpirationParams = expiration,
        };
    }

    /// <summary>recipientRand for params a broadcaster sent back (with the expiration params of its payment).</summary>
    public BigInteger Rand(TicketParams p, ReadOnlySpan<byte> sender, TicketExpirationParams expiration) =>
        Rand(p.Seed.Span, sender, Uint256.FromBytes(p.FaceValue.Span), Uint256.FromBytes(p.WinProb.Span),
            Uint256.FromBytes(p.ExpirationBlock.Span), expiration);

    private BigInteger Rand(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> sender, BigInteger faceValue, BigInteger winProb,
        BigInteger expirationBlock, TicketExpirationParams expiration)
    {
        var (num, den) = Price;
        byte[] aux = [.. Uint256.ToBytes(expiration.CreationRound), .. Uint256.Pad32(expiration.CreationRoundBlockHash.Span)];
        return TicketMath.RecipientRand(_secret, seed, sender, faceValue, winProb, expirationBlock, num, den, aux);
    }
}
