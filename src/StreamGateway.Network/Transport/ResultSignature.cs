using StreamGateway.Network.Wire;

namespace StreamGateway.Network.Transport;

/// <summary>
/// <c>TranscodeData.sig</c> (livepeer-wire §3.3): an on-chain orchestrator signs, personal_sign style, the keccak256 of
/// the keccak256 hashes of its rendition files laid end to end, in the order the profiles were asked; the
/// broadcaster hashes the files it downloaded the same way and checks the signer. Offchain orchestrators sign nothing.
/// </summary>
public static class ResultSignature
{
    /// <summary>The 32 bytes that are signed, from the rendition files in profile order.</summary>
    public static byte[] Digest(IEnumerable<string> renditionPaths)
    {
        var hashes = renditionPaths.SelectMany(Keccak256.HashFile).ToArray();
        return Keccak256.Hash(hashes);
    }

    public static byte[] Sign(BroadcasterIdentity account, IEnumerable<string> renditionPaths) => account.SignHash(Digest(renditionPaths));

    /// <summary>
    /// Who must have signed an orchestrator's results, as go-B decides: nobody (no check) unless the orchestrator gave
    /// ticket params; then its address, or the tickets' recipient when its address is zero or absent.
    /// </summary>
    public static byte[]? Signer(OrchestratorInfo info)
    {
        if (info.TicketParams is null)
        {
            return null;
        }
        if (info.Address.Length == 20 && info.Address.Span.ContainsAnyExcept((byte)0))
        {
            return info.Address.ToByteArray();
        }
        return info.TicketParams.Recipient.Length == 20 ? info.TicketParams.Recipient.ToByteArray() : null;
    }

    public static bool Verify(ReadOnlySpan<byte> signer, IEnumerable<string> renditionPaths, ReadOnlySpan<byte> signature) =>
        BroadcasterIdentity.VerifyHash(signer, Digest(renditionPaths), signature);
}
