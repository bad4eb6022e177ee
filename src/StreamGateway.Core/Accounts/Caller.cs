using Microsoft.AspNetCore.Http;

namespace StreamGateway.Core.Accounts;

/// <summary>Who is calling: the API key's user and project. Every resource query is scoped by <see cref="ProjectId"/>.</summary>
public sealed record Caller(Guid UserId, Guid ProjectId, Guid TokenId, string TokenName, bool IsAdmin)
{
    private static readonly object Key = new();

    public static Caller From(HttpContext context) =>
        context.Items[Key] as Caller ?? throw new InvalidOperationException("The request was not authenticated.");

    internal void AttachTo(HttpContext context) => context.Items[Key] = this;
}
