using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using StreamGateway.Network.Payments;

namespace StreamGateway.Network.Chain;

// TicketBroker call shape (livepeer-protocol §4.1), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

/// <summary>The contract's Ticket struct.</summary>
public sealed class TicketStruct
{
    [Parameter("address", "recipient", 1)]
    public string Recipient { get; set; } = "";

    [Parameter("address", "sender", 2)]
    public string Sender { get; set; } = "";

    [Parameter("uint256", "faceValue", 3)]
    public BigInteger FaceValue { get; set; }

    [Parameter("uint256", "winProb", 4)]
    public BigInteger WinProb { get; set; }

    [Parameter("uint256", "senderNonce", 5)]
    public BigInteger SenderNonce { get; set; }

    [Parameter("bytes32", "recipientRandHash", 6)]
    public byte[] RecipientRandHash { get; set; } = new byte[32];

    [Parameter("bytes", "auxData", 7)]
    public byte[] AuxData { get; set; } = [];

    public static TicketStruct From(Ticket t) => new()
    {
        Recipient = "0x" + Convert.ToHexStringLower(t.Recipient),
        Sender = "0x" + Convert.ToHexStringLower(t.Sender),
        FaceValue = t.FaceValue,
        WinProb = t.WinProb,
        SenderNonce = t.SenderNonce,
        RecipientRandHash = Uint256.Pad32(t.RecipientRandHash),
        AuxData = t.AuxData,
    };
}
