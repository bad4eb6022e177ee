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

    public BigInteger TicketEv => BigInteger.Parse(TicketEvWei, CultureInfo.InvariantCulture);
}
