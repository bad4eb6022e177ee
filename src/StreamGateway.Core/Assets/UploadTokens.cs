using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace StreamGateway.Core.Assets;

/// <summary>
/// The short-lived token in an upload URL: the asset id and an expiry, signed with HMAC-SHA256 under a secret every
/// gateway node shares. Whoever holds the URL may upload that one asset's file until it expires, with no API key.
/// </summary>
public sealed class UploadTokens(IConnectionMultiplexer redis, IOptions<AssetOptions> options, TimeProvider clock)
{
    private const string SecretKey = "sg:assets:upload-secret";
    private byte[]? _secret;

    public async Task<string> IssueAsync(Guid assetId)
    {
        var expires = clock.GetUtcNow().AddMinutes(options.Value.UploadUrlMinutes).ToUnixTimeSeconds();
        var body = $"{assetId:N}.{expires.ToString(CultureInfo.InvariantCulture)}";
        return $"{body}.{Base64Url.EncodeToString(HMACSHA256.HashData(await SecretAsync(), Encoding.ASCII.GetBytes(body)))}";
    }

    /// <returns>The asset the token is for, or null when it is forged, malformed or expired.</returns>
    public async Task<Guid?> ValidateAsync(string? token)
    {
        var parts = token?.Split('.') ?? [];
        if (parts.Length != 3 || !Guid.TryParseExact(parts[0], "N", out var assetId) ||
            !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return null;
        }
        var expected = HMACSHA256.HashData(await SecretAsync(), Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"));
        byte[] given;
        try
        {
            given = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (FormatException)
        {
            return null;
        }
        if (!CryptographicOperations.FixedTimeEquals(expected, given) || clock.GetUtcNow().ToUnixTimeSeconds() > expires)
        {
            return null;
        }
        return assetId;
    }

    private async Task<byte[]> SecretAsync()
    {
        if (_secret is not null)
        {
            return _secret;
        }
        if (!string.IsNullOrEmpty(options.Value.UploadSecret))
        {
            return _secret = Encoding.UTF8.GetBytes(options.Value.UploadSecret);
        }
        var db = redis.GetDatabase();
        await db.StringSetAsync(SecretKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), when: When.NotExists);
        return _secret = Convert.FromBase64String((string)(await db.StringGetAsync(SecretKey))!);
    }
}
