namespace StreamGateway.Core.Accounts;

/// <summary>An API key. Only a SHA-256 hash of the key is kept; the clear key is shown once at creation.</summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }
    public Guid UserId { get; set; }
    public Guid ProjectId { get; set; }
    public required string Name { get; set; }
    public required byte[] KeyHash { get; set; }
    /// <summary>First characters of the key, so a user can tell keys apart in a list.</summary>
    public required string KeyPrefix { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSeen { get; set; }
    /// <summary>
    /// Studio's <c>access</c> (studio-api §1.5) as JSON: <c>{"cors": {"allowedOrigins": [...], "fullAccess": bool}}</c>;
    /// null for a key that browsers may not use.
    /// </summary>
    public string? Access { get; set; }
}
