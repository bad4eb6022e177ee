using Microsoft.AspNetCore.Http;

namespace StreamGateway.Core.Accounts;

/// <summary>Who is calling: the API key's user and project. Every resource query is scoped by <see cref="ProjectId"/>.</summary>
/// <param name="Cors">For a CORS-enabled key: the origins browsers may use it from and whether it has full access.</param>
public sealed record Caller(Guid UserId, Guid ProjectId, Guid TokenId, string TokenName, bool IsAdmin, ApiKeyCors? Cors = null)
{
    private static readonly object Key = new();

    /// <summary>True for a dashboard sign-in (<see cref="UserSessions"/>), whose <see cref="TokenId"/> is the session's id.</summary>
    public bool Session { get; init; }

    public static Caller From(HttpContext context) =>
        context.Items[Key] as Caller ?? throw new InvalidOperationException("The request was not authenticated.");

    internal void AttachTo(HttpContext context) => context.Items[Key] = this;
}
