using System.Buffers.Binary;
using System.Security.Cryptography;

namespace StreamGateway.Media.Rtmp;

/// <summary>
/// The simple handshake (RTMP spec 5.2). C0/S0 carry the version; C1/S1 are 1536 bytes of time (4), zero (4)
/// and random (1528); S2 echoes C1 and C2 echoes S1. Leaving S1's second field zero tells ffmpeg, librtmp (OBS)
/// and GStreamer that this is not the digest-signed Flash Player 9 handshake, so none of them validates a digest.
/// </summary>
internal static class RtmpHandshake
{
    public const byte Version = 3;
    public const int PacketSize = 1536;

    /// <summary>S0 + S1 + S2 for the given C1.</summary>
    public static byte[] CreateResponse(ReadOnlySpan<byte> c1, uint time)
    {
        if (c1.Length != PacketSize)
        {
            throw new ArgumentException($"C1 must be {PacketSize} bytes.", nameof(c1));
        }

        var response = new byte[1 + (2 * PacketSize)];
        response[0] = Version;

        var s1 = response.AsSpan(1, PacketSize);
        BinaryPrimitives.WriteUInt32BigEndian(s1, time);
        s1.Slice(4, 4).Clear();
        RandomNumberGenerator.Fill(s1[8..]);

        c1.CopyTo(response.AsSpan(1 + PacketSize));
        return response;
    }
}
