using System.Globalization;
using System.Numerics;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Network.Payments;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;

namespace StreamGateway.Core.Transcoding;

/// <summary>
/// The gateway as ticket sender (livepeer-protocol §3.5–3.7). For each segment it estimates the fee, tops the credit
/// it holds with that orchestrator session up with whole tickets, signs them, and after the answer debits what the
/// orchestrator reported. Credit and nonces live in Redis, so any node may send a stream's next segment. Nothing is
/// signed for ticket params outside <see cref="TranscodingOptions.TicketLimits"/>: the orchestrator is refused instead.
/// </summary>
public sealed class TicketSender(BroadcasterIdentity identity, IConnectionMultiplexer redis, IOptions<TranscodingOptions> options)
{
    private static readonly TimeSpan StateTtl = TimeSpan.FromHours(6);

    private static string CreditKey(Guid session, string orchestrator, string authSession) => $"sg:pay:{session:N}:{orchestrator}:{authSession}:credit";
    private static string NonceKey(ByteString randHash) => $"sg:pay:nonce:{Convert.ToHexStringLower(randHash.Span)}";

    /// <summary>The output pixels go-B expects: Σ width × height × ceil(fps, 60 when kept from the source) × ceil(seconds).</summary>
    public static long EstimatePixels(IReadOnlyList<Rendition> renditions, double seconds) =>
        renditions.Sum(r => (long)r.Width * r.Height * (r.Fps > 0 ? (long)Math.Ceiling((double)r.Fps / Math.Max(1, r.FpsDen)) : 60)) *
        (long)Math.Ceiling(seconds);

    /// <summary>The Livepeer-Payment for one segment, and the expected value of the tickets in it.</summary>
    public async Task<(Payment Payment, BigInteger Value)> PayAsync(Guid session, string orchestrator, OrchestratorInfo info,
        IReadOnlyList<Rendition> renditions, double seconds)
    {
        var payment = identity.Payment();
        // The price goes back as the orchestrator gave it, whatever it is: an on-chain go-O debits every segment at the
        // expected price, and without one (or at price 0 without it) it fails the segment after its 200.
        if (info.PriceInfo is { PixelsPerUnit: > 0 } offered)
        {
            payment.ExpectedPrice = offered;
        }
        if (info.TicketParams is not { } p || info.PriceInfo is not { PricePerUnit: > 0 } price)
        {
            return (payment, BigInteger.Zero);
        }
        var limits = options.Value.TicketLimits;
        var faceValue = Uint256.FromBytes(p.FaceValue.Span);
        var winProb = Uint256.FromBytes(p.WinProb.Span);
        if (limits.ParamsProblem(faceValue, winProb) is { } badParams)
        {
            throw Refused(orchestrator, badParams);
        }
        var ev = TicketMath.ExpectedValue(faceValue, winProb);
        var fee = TicketMath.Fee(EstimatePixels(renditions, seconds), price.PricePerUnit, price.PixelsPerUnit);
        var db = redis.GetDatabase();
        var creditKey = CreditKey(session, orchestrator, info.AuthToken.SessionId);
        var credit = new BigInteger((long)await db.StringGetAsync(creditKey));
        var tickets = TicketMath.TicketsFor(fee, credit, ev);
        if (limits.SpendProblem(tickets, ev) is { } tooMuch)
        {
            throw Refused(orchestrator, tooMuch);
        }
        var count = (int)tickets;
        if (count == 0)
        {
            return (payment, BigInteger.Zero);
        }
        var last = (uint)await db.StringIncrementAsync(NonceKey(p.RecipientRandHash), count);
        await db.KeyExpireAsync(NonceKey(p.RecipientRandHash), StateTtl);
        payment.TicketParams = new TicketParams
        {
            Recipient = p.Recipient, FaceValue = p.FaceValue, WinProb = p.WinProb,
            RecipientRandHash = p.RecipientRandHash, Seed = p.Seed, ExpirationBlock = p.ExpirationBlock,
        };
        payment.ExpirationParams = p.ExpirationParams ?? new TicketExpirationParams();
        var sender = payment.Sender.ToByteArray();
        for (var nonce = last - (uint)count + 1; nonce <= last; nonce++)
        {
            var ticket = new Ticket(p.Recipient.ToByteArray(), sender, faceValue, winProb, nonce, Uint256.Pad32(p.RecipientRandHash.Span),
                payment.ExpirationParams.CreationRound, Uint256.Pad32(payment.ExpirationParams.CreationRoundBlockHash.Span));
            payment.TicketSenderParams.Add(new TicketSenderParams { SenderNonce = nonce, Sig = ByteString.CopyFrom(identity.SignHash(ticket.Hash())) });
        }
        var value = ev * count;
        await db.StringIncrementAsync(creditKey, (long)value);
        await db.KeyExpireAsync(creditKey, StateTtl);
        return (payment, value);
    }

    /// <summary>
    /// After an answer: the orchestrator's price times the pixels it reported comes off the credit. The orchestrator
    /// says how many pixels it made; it cannot make the debit more than twice the estimate (its renditions are counted
    /// afterwards, and a wrong count is bad work).
    /// </summary>
    public async Task DebitAsync(Guid session, string orchestrator, OrchestratorInfo info, IReadOnlyList<Rendition> renditions, double seconds,
        long reportedPixels)
    {
        if (info.PriceInfo is not { PricePerUnit: > 0, PixelsPerUnit: > 0 } price || info.TicketParams is null)
        {
            return;
        }
        var pixels = Math.Clamp(reportedPixels, 0, 2 * EstimatePixels(renditions, seconds));
        var cost = BigInteger.Min(new BigInteger(pixels) * price.PricePerUnit / price.PixelsPerUnit, options.Value.MaxTotalEvWei);
        await redis.GetDatabase().StringDecrementAsync(CreditKey(session, orchestrator, info.AuthToken.SessionId), (long)cost);
    }

    private static OrchestratorException Refused(string orchestrator, string problem) =>
        new($"{orchestrator}: {problem}", reason: "an orchestrator's payment terms are outside this gateway's limits");

    public static string Wei(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);
}
