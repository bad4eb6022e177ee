using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StreamGateway.Core.Webhooks;

/// <summary>
/// <c>Livepeer-Signature: t=&lt;ms&gt;,v1=&lt;hex&gt;</c> where v1 is HMAC-SHA256 of the raw body under the shared
/// secret; only the body is signed, t repeats the body's timestamp (studio-api §4.3).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Livepeer-Signature";

    public static string Sign(string sharedSecret, ReadOnlySpan<byte> body, long timestampMs) =>
        string.Create(CultureInfo.InvariantCulture,
            $"t={timestampMs},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(sharedSecret), body))}");

    /// <summary>
    /// A webhook POST as every one is sent: the raw JSON body, <c>user-agent: livepeer.studio</c>, and the signature
    /// header when <paramref name="signature"/> is given.
    /// </summary>
    public static HttpRequestMessage Post(string url, byte[] raw, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(raw) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.UserAgent.ParseAdd("livepeer.studio");
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(Header, signature);
        }
        return request;
    }

    /// <summary>The receiver's side: constant-time comparison of v1.</summary>
    public static bool Verify(string sharedSecret, ReadOnlySpan<byte> body, string header)
    {
        string? v1 = null;
        foreach (var part in header.Split(','))
        {
            if (part.StartsWith("v1=", StringComparison.Ordinal))
            {
                v1 = part[3..];
            }
        }
        if (v1 is null || v1.Length != 64)
        {
            return false;
        }
        byte[] given;
        try
        {
            given = Convert.FromHexString(v1);
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(sharedSecret), body);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
