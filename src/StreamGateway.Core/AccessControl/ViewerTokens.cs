using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace StreamGateway.Core.AccessControl;

/// <summary>What a viewer JWT is worth: the signing key that let it in, or why it was refused.</summary>
public readonly record struct TokenVerdict(Guid? KeyId, string? Refusal)
{
    public static TokenVerdict Refused(string why) => new(null, why);
}

/// <summary>
/// Checks a viewer JWT (studio-api §5.2): signed ES256 by an enabled signing key of the content's project, named by the
/// <c>pub</c> claim as Studio's tokens do (or by <c>kid</c>, or, naming none, any of the project's keys), with
/// <c>sub</c> the playback id and an <c>exp</c> in the future but no further than
/// <see cref="AccessControlOptions.MaxTokenLifetimeSeconds"/>. Only ES256 is accepted, so neither <c>alg: none</c> nor
/// an HMAC made with the public key as its secret gets through. Refusals say what is wrong without echoing the token.
/// </summary>
public sealed class ViewerTokens(SigningKeys keys, IOptions<AccessControlOptions> options, TimeProvider clock)
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    public async ValueTask<TokenVerdict> CheckAsync(string token, string playbackId, Guid projectId, CancellationToken ct)
    {
        var limits = options.Value;
        if (token.Length > limits.MaxCredentialLength)
        {
            return TokenVerdict.Refused("the token is too long");
        }
        JsonWebToken jwt;
        try
        {
            jwt = Handler.ReadJsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException)
        {
            return TokenVerdict.Refused("the token is not a well-formed JWT");
        }
        if (jwt.Alg != SecurityAlgorithms.EcdsaSha256)
        {
            return TokenVerdict.Refused("the token must be signed with ES256");
        }
        var all = await keys.OfProjectAsync(projectId, ct);
        var named = jwt.TryGetPayloadValue<string>("pub", out var pub) ? all.Where(k => k.PublicKey == pub).ToList()
            : jwt.Kid is { Length: > 0 } kid ? all.Where(k => k.Id.ToString() == kid).ToList()
            : [.. all];
        if (named.Count == 0)
        {
            return TokenVerdict.Refused("no signing key of this content's project matches the token");
        }
        if (named.All(k => k.Disabled))
        {
            return TokenVerdict.Refused("the token's signing key is disabled");
        }
        var parameters = new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ClockSkew = TimeSpan.FromSeconds(limits.ClockSkewSeconds),
        };
        TokenValidationResult? result = null;
        ProjectSigningKey? signer = null;
        foreach (var key in named.Where(k => !k.Disabled))
        {
            parameters.IssuerSigningKey = key.Key;
            result = await Handler.ValidateTokenAsync(jwt, parameters);
            if (result.IsValid || result.Exception is not (SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException))
            {
                signer = key;
                break;
            }
        }
        if (result is not { IsValid: true } || signer is null)
        {
            return TokenVerdict.Refused(result?.Exception switch
            {
                SecurityTokenExpiredException => "the token has expired",
                SecurityTokenNotYetValidException => "the token is not valid yet",
                SecurityTokenNoExpirationException => "the token has no exp",
                SecurityTokenInvalidLifetimeException => "the token's lifetime is not valid",
                SecurityTokenInvalidAlgorithmException => "the token must be signed with ES256",
                _ => "the token's signature does not verify",
            });
        }
        if (!jwt.TryGetPayloadValue<string>("sub", out var sub) || sub != playbackId)
        {
            return TokenVerdict.Refused("the token is for other content (sub must be the playback id)");
        }
        if (jwt.ValidTo > clock.GetUtcNow().UtcDateTime.AddSeconds(limits.MaxTokenLifetimeSeconds + limits.ClockSkewSeconds))
        {
            return TokenVerdict.Refused($"the token's exp is more than {limits.MaxTokenLifetimeSeconds / 3600} hours ahead");
        }
        return new TokenVerdict(signer.Id, null);
    }
}
