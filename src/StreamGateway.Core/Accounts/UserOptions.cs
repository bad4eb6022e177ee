using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Core.Accounts;

/// <summary>Section <c>Users</c>: dashboard sign-in and the projects a user may hold.</summary>
public sealed class UserOptions
{
    public const string Section = "Users";

    /// <summary>How long a sign-in lasts; the dashboard asks for the password again after it.</summary>
    [Range(0.01, 24 * 30)]
    public double SessionHours { get; set; } = 12;

    /// <summary>Most sign-ins a user holds at once; a new one past it ends the oldest.</summary>
    [Range(1, 1000)]
    public int MaxSessionsPerUser { get; set; } = 20;

    /// <summary>Failed sign-ins one email may take per minute, from any address (each address is bounded by
    /// <c>Api:FailedAuthPerAddressPerMinute</c> as well); past it the email answers 429 for the rest of the minute.</summary>
    [Range(1, 10_000)]
    public int FailedSignInsPerEmailPerMinute { get; set; } = 10;

    /// <summary>Password checks running at once on a node (each is a deliberately slow PBKDF2); more wait up to 2 s, then get 503.</summary>
    [Range(1, 256)]
    public int ConcurrentPasswordChecks { get; set; } = 4;

    /// <summary>Most projects one user may create.</summary>
    [Range(1, 10_000)]
    public int MaxProjectsPerUser { get; set; } = 20;
}
