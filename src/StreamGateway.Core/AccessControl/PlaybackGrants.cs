using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.AccessControl;

/// <summary>What a genuine grant says: how the viewer was let in, and by which signing key for a JWT.</summary>
public readonly record struct PlaybackGrant(string Kind, Guid? KeyId);

/// <summary>
/// The gateway's own credential in the child URLs of a gated playlist (<c>?grant=</c>), so a player that got the master
/// with a JWT or an access key fetches media playlists, segments and thumbnails without adding anything itself (hls.js,
/// Safari and ffmpeg resolve child URLs as written). A grant names the playback id, how the viewer was let in and
/// until when (<see cref="AccessControlOptions.GrantSeconds"/>), under an HMAC-SHA256 with a secret every node shares.
/// It is only good while the content's policy is still of that kind and, for a JWT, while its signing key is enabled.
/// </summary>
public sealed class PlaybackGrants(SharedSecrets secrets, IOptions<AccessControlOptions> options, TimeProvider clock)
{
    public const string QueryName = "grant";
    private const string SecretName = "playback-grant";
    public const string Jwt = "jwt";
    public const string Webhook = "webhook";

    public async Task<string> IssueAsync(string playbackId, PlaybackGrant grant)
    {
        var expires = clock.GetUtcNow().AddSeconds(options.Value.GrantSeconds).ToUnixTimeSeconds();
        var body = $"{expires.ToString(CultureInfo.InvariantCulture)}.{grant.Kind}.{grant.KeyId?.ToString("N") ?? "0"}";
        return $"{body}.{await MacAsync(playbackId, body)}";
    }

    /// <returns>What a genuine, unexpired grant for <paramref name="playbackId"/> says; null for anything else.</returns>
    public async Task<PlaybackGrant?> ReadAsync(string playbackId, string grant)
    {
        var parts = grant.Split('.');
        if (grant.Length > 200 || parts.Length != 4 || parts[1] is not (Jwt or Webhook) ||
            !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var expires) ||
            expires < clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return null;
        }
        Guid? keyId = parts[2] == "0" ? null : Guid.TryParseExact(parts[2], "N", out var id) ? id : Guid.Empty;
        var expected = Encoding.ASCII.GetBytes(await MacAsync(playbackId, $"{parts[0]}.{parts[1]}.{parts[2]}"));
        if (keyId == Guid.Empty || !CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[3])))
        {
            return null;
        }
        return new PlaybackGrant(parts[1], keyId);
    }

    private async Task<string> MacAsync(string playbackId, string body) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(await secrets.GetAsync(SecretName), Encoding.ASCII.GetBytes($"{playbackId}.{body}")).AsSpan(0, 16));
}
