using System.Numerics;
using StreamGateway.Network.Payments;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>A winning ticket and what became of it.</summary>
public sealed class WinningTicket
{
    public string Recipient { get; set; } = "";
    public string Sender { get; set; } = "";
    public string FaceValue { get; set; } = "0";
    public string WinProb { get; set; } = "0";
    public uint SenderNonce { get; set; }
    public string RecipientRandHash { get; set; } = "";
    public string CreationRound { get; set; } = "0";
    public string CreationRoundBlockHash { get; set; } = "";
    public string Sig { get; set; } = "";
    public string RecipientRand { get; set; } = "0";
    public string ExpirationBlock { get; set; } = "0";
    public string Hash { get; set; } = "";
    public DateTimeOffset WonAt { get; set; }
    /// <summary>pending, redeemed, skipped or failed.</summary>
    public string Status { get; set; } = "pending";
    public string? Transaction { get; set; }
    public string? Error { get; set; }

    public Ticket ToTicket() => new(Convert.FromHexString(Recipient), Convert.FromHexString(Sender), BigInteger.Parse(FaceValue),
        BigInteger.Parse(WinProb), SenderNonce, Convert.FromHexString(RecipientRandHash), BigInteger.Parse(CreationRound),
        Convert.FromHexString(CreationRoundBlockHash));
}
