using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using StreamGateway.Network.Wire;

namespace StreamGateway.Orchestrator.Sessions;

/// <summary>
/// Issues and checks session credentials. As at go-O (livepeer-wire §1.1, §4.4) the token is
/// HMAC-SHA256(per-process random key, session_id ‖ expiration), so any token we issued verifies without a table and
/// nothing survives a restart. B treats the token as opaque, so the scheme is ours to choose.
/// </summary>
public sealed class AuthTokens(TimeProvider clock)
{
    public static readonly TimeSpan ValidFor = TimeSpan.FromHours(1);

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public AuthToken Issue()
    {
        var sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var expiration = clock.GetUtcNow().Add(ValidFor).ToUnixTimeSeconds();
        return new AuthToken
        {
            Token = ByteString.CopyFrom(Sign(sessionId, expiration)),
            SessionId = sessionId,
            Expiration = expiration,
        };
    }

    /// <summary>Null when the token is ours and current; otherwise go-O's 403 text.</summary>
    public string? Check(AuthToken? token)
    {
        if (token is null)
        {
            return "missing auth token";
        }
        if (!CryptographicOperations.FixedTimeEquals(token.Token.Span, Sign(token.SessionId, token.Expiration)))
        {
            return "invalid auth token";
        }
        return clock.GetUtcNow().ToUnixTimeSeconds() > token.Expiration ? "expired auth token" : null;
    }

    private byte[] Sign(string sessionId, long expiration)
    {
        var id = Encoding.UTF8.GetBytes(sessionId);
        var message = new byte[id.Length + sizeof(long)];
        id.CopyTo(message, 0);
        BinaryPrimitives.WriteInt64BigEndian(message.AsSpan(id.Length), expiration);
        return HMACSHA256.HashData(_key, message);
    }
}
