using System.Numerics;
using Nethereum.Util;

namespace StreamGateway.Network.Payments;

/// <summary>
/// A probabilistic micropayment ticket (livepeer-protocol §3.1). <see cref="CreationRound"/> and
/// <see cref="CreationRoundBlockHash"/> travel on chain as the 64-byte <c>auxData</c>.
/// </summary>
public sealed record Ticket(
    byte[] Recipient,
    byte[] Sender,
    BigInteger FaceValue,
    BigInteger WinProb,
    uint SenderNonce,
    byte[] RecipientRandHash,
    BigInteger CreationRound,
    byte[] CreationRoundBlockHash)
{
    /// <summary>auxData: creationRound (32 bytes) ‖ creationRoundBlockHash (32 bytes); empty when both are zero, as go-livepeer leaves it.</summary>
    public byte[] AuxData =>
        CreationRound.IsZero && CreationRoundBlockHash.All(b => b == 0)
            ? []
            : [.. Uint256.ToBytes(CreationRound), .. Uint256.Pad32(CreationRoundBlockHash)];

    /// <summary>
    /// keccak256(abi.encodePacked(recipient, sender, faceValue, winProb, senderNonce, recipientRandHash, auxData)):
    /// 20 + 20 + 4 × 32 bytes, plus 64 bytes of auxData when there is any (232 in all), as TicketBroker.getTicketHash.
    /// </summary>
    public byte[] Hash()
    {
        byte[] packed =
        [
            .. Address(Recipient), .. Address(Sender), .. Uint256.ToBytes(FaceValue), .. Uint256.ToBytes(WinProb),
            .. Uint256.ToBytes(SenderNonce), .. Uint256.Pad32(RecipientRandHash), .. AuxData,
        ];
        return Sha3Keccack.Current.CalculateHash(packed);
    }

    private static byte[] Address(byte[] address) =>
        address.Length == 20 ? address : throw new ArgumentException("an address is 20 bytes", nameof(address));
}
