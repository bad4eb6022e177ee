using System.Buffers;
using Org.BouncyCastle.Crypto.Digests;

namespace StreamGateway.Orchestrator.Segments;

/// <summary>
/// Writes a <c>POST /segment</c> body to a file as it arrives, hashing it on the way (Keccak-256, the SegData hash
/// go-B signs, livepeer-wire §3.2) and stopping once it passes the size limit: no segment is held whole in memory.
/// </summary>
public static class SegmentBody
{
    private const int BufferBytes = 81_920;

    /// <summary>The body's Keccak-256 hash; null when it is longer than <paramref name="maxBytes"/>. Only a complete body leaves a file.</summary>
    public static async Task<byte[]?> SaveAsync(Stream body, string path, long maxBytes, CancellationToken ct)
    {
        var digest = new KeccakDigest(256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        var complete = false;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                var total = 0L;
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferBytes), ct)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        return null;
                    }
                    digest.BlockUpdate(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            var hash = new byte[digest.GetDigestSize()];
            digest.DoFinal(hash, 0);
            complete = true;
            return hash;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!complete)
            {
                File.Delete(path);
            }
        }
    }
}
