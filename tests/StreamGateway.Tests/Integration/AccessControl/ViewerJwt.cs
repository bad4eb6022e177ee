using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace StreamGateway.Tests.Integration.AccessControl;

/// <summary>Viewer JWTs made as an app's server makes them (ES256 with a signing key's private half), and forgeries.</summary>
public static class ViewerJwt
{
    public static string Sign(string privateKeyBase64, object claims, object? header = null)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(Encoding.ASCII.GetString(Convert.FromBase64String(privateKeyBase64)));
        var body = $"{Part(header ?? new { alg = "ES256", typ = "JWT" })}.{Part(claims)}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(body), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{body}.{Base64Url.EncodeToString(signature)}";
    }

    /// <summary>Studio's claims for a viewer of <paramref name="playbackId"/> (ui-kit's signAccessJwt).</summary>
    public static object Claims(string publicKey, string playbackId, TimeSpan? expiresIn = null, TimeSpan? notBefore = null)
    {
        var now = DateTimeOffset.UtcNow;
        var exp = now + (expiresIn ?? TimeSpan.FromHours(1));
        return notBefore is { } nbf
            ? new { action = "pull", iss = "tests", pub = publicKey, sub = playbackId, video = "none", iat = now.ToUnixTimeSeconds(), exp = exp.ToUnixTimeSeconds(), nbf = (now + nbf).ToUnixTimeSeconds() }
            : new { action = "pull", iss = "tests", pub = publicKey, sub = playbackId, video = "none", iat = now.ToUnixTimeSeconds(), exp = exp.ToUnixTimeSeconds() };
    }

    /// <summary>An unsigned token (<c>alg: none</c>).</summary>
    public static string WithoutSignature(object claims) => $"{Part(new { alg = "none", typ = "JWT" })}.{Part(claims)}.";

    /// <summary>An HS256 token made with the public key's text as the HMAC secret: the classic key-confusion forgery.</summary>
    public static string HmacWithPublicKey(string publicKey, object claims)
    {
        var body = $"{Part(new { alg = "HS256", typ = "JWT" })}.{Part(claims)}";
        var mac = HMACSHA256.HashData(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(Convert.FromBase64String(publicKey))), Encoding.ASCII.GetBytes(body));
        return $"{body}.{Base64Url.EncodeToString(mac)}";
    }

    /// <summary>The token with its payload replaced and its signature kept.</summary>
    public static string WithPayload(string token, object claims)
    {
        var parts = token.Split('.');
        return $"{parts[0]}.{Part(claims)}.{parts[2]}";
    }

    private static string Part(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
