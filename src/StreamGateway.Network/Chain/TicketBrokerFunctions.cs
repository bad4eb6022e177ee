using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using StreamGateway.Network.Payments;

namespace StreamGateway.Network.Chain;

// TicketBroker call shapes (livepeer-protocol §4.1), shared by Arbitrum's TicketBroker and the devnet's.

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

[Function("getTicketHash", "bytes32")]
public sealed class GetTicketHashFunction : FunctionMessage
{
    [Parameter("tuple", "ticket", 1)]
    public TicketStruct Ticket { get; set; } = new();
}

[Function("lastInitializedRound", "uint256")]
public sealed class LastInitializedRoundFunction : FunctionMessage;

[Function("blockHashForRound", "bytes32")]
public sealed class BlockHashForRoundFunction : FunctionMessage
{
    [Parameter("uint256", "round", 1)]
    public BigInteger Round { get; set; }
}

[Function("usedTickets", "bool")]
public sealed class UsedTicketsFunction : FunctionMessage
{
    [Parameter("bytes32", "hash", 1)]
    public byte[] Hash { get; set; } = new byte[32];
}

[Function("redeemWinningTicket")]
public sealed class RedeemWinningTicketFunction : FunctionMessage
{
    [Parameter("tuple", "ticket", 1)]
    public TicketStruct Ticket { get; set; } = new();

    [Parameter("bytes", "sig", 2)]
    public byte[] Sig { get; set; } = [];

    [Parameter("uint256", "recipientRand", 3)]
    public BigInteger RecipientRand { get; set; }
}

[Function("batchRedeemWinningTickets")]
public sealed class BatchRedeemWinningTicketsFunction : FunctionMessage
{
    [Parameter("tuple[]", "tickets", 1)]
    public List<TicketStruct> Tickets { get; set; } = [];

    [Parameter("bytes[]", "sigs", 2)]
    public List<byte[]> Sigs { get; set; } = [];

    [Parameter("uint256[]", "recipientRands", 3)]
    public List<BigInteger> RecipientRands { get; set; } = [];
}

[Function("fundDepositAndReserve")]
public sealed class FundDepositAndReserveFunction : FunctionMessage
{
    [Parameter("uint256", "depositAmount", 1)]
    public BigInteger DepositAmount { get; set; }

    [Parameter("uint256", "reserveAmount", 2)]
    public BigInteger ReserveAmount { get; set; }
}

[FunctionOutput]
public sealed class SenderInfoOutput : IFunctionOutputDTO
{
    [Parameter("tuple", "sender", 1)]
    public SenderStruct Sender { get; set; } = new();

    [Parameter("tuple", "reserve", 2)]
    public ReserveInfoStruct Reserve { get; set; } = new();
}

public sealed class SenderStruct
{
    [Parameter("uint256", "deposit", 1)]
    public BigInteger Deposit { get; set; }

    [Parameter("uint256", "withdrawRound", 2)]
    public BigInteger WithdrawRound { get; set; }
}

public sealed class ReserveInfoStruct
{
    [Parameter("uint256", "fundsRemaining", 1)]
    public BigInteger FundsRemaining { get; set; }

    [Parameter("uint256", "claimedInCurrentRound", 2)]
    public BigInteger ClaimedInCurrentRound { get; set; }
}

[Function("getSenderInfo", typeof(SenderInfoOutput))]
public sealed class GetSenderInfoFunction : FunctionMessage
{
    [Parameter("address", "addr", 1)]
    public string Address { get; set; } = "";
}

[Function("claimedReserve", "uint256")]
public sealed class ClaimedReserveFunction : FunctionMessage
{
    [Parameter("address", "reserveHolder", 1)]
    public string ReserveHolder { get; set; } = "";

    [Parameter("address", "claimant", 2)]
    public string Claimant { get; set; } = "";
}
