using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Numerics;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>
/// Section <c>Payments</c>: the orchestrator's side of probabilistic micropayments (livepeer-protocol §3). They are on
/// when the orchestrator has a price (<c>Orchestrator:PricePerUnit</c> &gt; 0) and a chain account (<c>Chain:*</c>).
/// Defaults are go-livepeer's.
/// </summary>
public sealed class PaymentOptions
{
    public const string Section = "Payments";

    /// <summary>Expected value of one ticket, in wei (go-livepeer -ticketEV).</summary>
    [RegularExpression("^[0-9]{1,40}$")]
    public string TicketEvWei { get; set; } = "8000000000";

    /// <summary>A fixed face value in wei (devnets, where gas costs nothing); unset: redeem gas × gas price × 100.</summary>
    [RegularExpression("^[0-9]{1,40}$")]
    public string? FaceValueWei { get; set; }

    /// <summary>Gas one redemption costs (Arbitrum: 1,200,000).</summary>
    [Range(21_000, 30_000_000)]
    public long RedeemGas { get; set; } = 1_200_000;

    [Range(1, 10_000)]
    public int TxCostMultiplier { get; set; } = 100;

    /// <summary>Ticket params stay valid for this many blocks.</summary>
    [Range(2, 100_000)]
    public int ExpirationBlocks { get; set; } = 40;

    /// <summary>How often the chain (block, round, gas price) is read, and winning tickets looked at for redemption.</summary>
    [Range(1, 600)]
    public int PollSeconds { get; set; } = 2;

    /// <summary>
    /// Sets of ticket params whose sender nonces are remembered at once, each until its expiration block; a payment with
    /// new params beyond it is refused until some expire.
    /// </summary>
    [Range(100, 10_000_000)]
    public int MaxTicketParams { get; set; } = 50_000;

    /// <summary>(sender, session) balances kept at once; a payment that would open one more is refused until some go idle.</summary>
    [Range(10, 10_000_000)]
    public int MaxBalances { get; set; } = 10_000;

    /// <summary>A session's balance is forgotten after this long without a ticket or a segment.</summary>
    [Range(1, 86_400)]
    public int BalanceIdleSeconds { get; set; } = 600;

    public BigInteger TicketEv => BigInteger.Parse(TicketEvWei, CultureInfo.InvariantCulture);
}
