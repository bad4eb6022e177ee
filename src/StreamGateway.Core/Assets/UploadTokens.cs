using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Assets;

/// <summary>
/// The short-lived token in an upload URL: the asset id and an expiry, signed with HMAC-SHA256 under a secret every
/// gateway node shares: <see cref="AssetOptions.UploadSecret"/>, or else one made by the first node that needs it and
/// kept in PostgreSQL (a cache flush must not leave nodes with different secrets). Whoever holds the URL may start
/// uploading that one asset's file until it expires, with no API key; a tus upload started in time may go on with it
/// afterwards (<see cref="AssetOptions.UploadUrlMinutes"/>).
/// </summary>
public sealed class UploadTokens(SharedSecrets secrets, IOptions<AssetOptions> options, TimeProvider clock)
{
    private const string SecretName = "upload-token";
    private byte[]? _secret;

    public const string InvalidMessage = "the upload URL is invalid or has expired; ask for a new one with POST /api/asset/request-upload";

    public async Task<string> IssueAsync(Guid assetId)
    {
        var expires = clock.GetUtcNow().AddMinutes(options.Value.UploadUrlMinutes).ToUnixTimeSeconds();
        var body = $"{assetId:N}.{expires.ToString(CultureInfo.InvariantCulture)}";
        return $"{body}.{Base64Url.EncodeToString(HMACSHA256.HashData(await SecretAsync(), Encoding.ASCII.GetBytes(body)))}";
    }

    /// <returns>
    /// The asset a genuine token is for and whether its time to start an upload is over; null when it is forged or
    /// malformed.
    /// </returns>
    public async Task<UploadGrant?> ReadAsync(string? token)
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
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return null;
        }
        return new UploadGrant(assetId, clock.GetUtcNow().ToUnixTimeSeconds() > expires);
    }

    private async Task<byte[]> SecretAsync() => _secret ??= string.IsNullOrEmpty(options.Value.UploadSecret)
        ? await secrets.GetAsync(SecretName)
        : Encoding.UTF8.GetBytes(options.Value.UploadSecret);
}

/// <summary>What a genuine upload token grants: the asset, and whether it may still start an upload (not expired).</summary>
public readonly record struct UploadGrant(Guid AssetId, bool Expired);
