using Org.BouncyCastle.Crypto.Digests;

namespace StreamGateway.Network.Transport;

/// <summary>
/// Keccak-256 (Ethereum's, with the original padding) of media-sized inputs: segment bodies and rendition files, which
/// every segment hashes on both sides. BouncyCastle's digest runs at about four times the speed of the one the
/// Ethereum library uses for small messages; files are read through a small buffer, never held whole.
/// </summary>
public static class Keccak256
{
    public const int HashBytes = 32;
    private const int FileBufferBytes = 64 * 1024;

    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var digest = new KeccakDigest(256);
        digest.BlockUpdate(data);
        return Finish(digest);
    }

    public static byte[] HashFile(string path)
    {
        var digest = new KeccakDigest(256);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        Span<byte> buffer = new byte[FileBufferBytes];
        int read;
        while ((read = file.Read(buffer)) > 0)
        {
            digest.BlockUpdate(buffer[..read]);
        }
        return Finish(digest);
    }

    private static byte[] Finish(KeccakDigest digest)
    {
        var hash = new byte[HashBytes];
        digest.DoFinal(hash, 0);
        return hash;
    }
}
