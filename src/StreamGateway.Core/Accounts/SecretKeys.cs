using System.Security.Cryptography;

namespace StreamGateway.Core.Accounts;

/// <summary>Random keys and their stored hashes.</summary>
public static class SecretKeys
{
    private const string Base36 = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>An API key: 192 random bits, base36-free of look-alike issues, prefixed so it is recognisable in a leak scan.</summary>
    public static string NewApiKey() => "sgk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public static byte[] Hash(string key) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key));

    public static string RandomBase36(int length) => RandomNumberGenerator.GetString(Base36, length);

    /// <summary>Studio's stream key: four dash-separated groups of four base36 characters, the first group taken from the resource id (studio-api §3.1).</summary>
    public static string NewStreamKey(Guid resourceId)
    {
        var key = IdPrefix(resourceId) + RandomBase36(12);
        return $"{key[..4]}-{key[4..8]}-{key[8..12]}-{key[12..16]}";
    }

    /// <summary>Studio's playback id: 16 base36 characters, the first four taken from the resource id.</summary>
    public static string NewPlaybackId(Guid resourceId) => IdPrefix(resourceId) + RandomBase36(12);

    private static string IdPrefix(Guid id) => id.ToString("N")[..4];
}
