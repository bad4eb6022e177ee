using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Core.AccessControl;

/// <summary>Bounds on gated playback (section <c>AccessControl</c>); see SECURITY.md.</summary>
public sealed class AccessControlOptions
{
    public const string Section = "AccessControl";

    /// <summary>Signing keys a project may have; one more is refused with 403.</summary>
    [Range(1, 1000)]
    public int MaxSigningKeys { get; set; } = 10;

    /// <summary>How far ahead a viewer JWT's <c>exp</c> may lie (studio-api §5.2: 7 days).</summary>
    [Range(60, 366 * 24 * 3600)]
    public int MaxTokenLifetimeSeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>Clock skew allowed on a viewer JWT's <c>exp</c> and <c>nbf</c>.</summary>
    [Range(0, 300)]
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>Longest viewer JWT or access key read; anything longer is refused unread.</summary>
    [Range(256, 65536)]
    public int MaxCredentialLength { get; set; } = 4096;

    /// <summary>
    /// How long the grant put in a gated playlist's child URLs lasts: a viewer let in keeps watching this long without
    /// presenting the credential again, as on Studio, where a playback session once allowed goes on.
    /// </summary>
    [Range(60, 7 * 24 * 3600)]
    public int GrantSeconds { get; set; } = 12 * 3600;

    /// <summary>How long the gate waits for a webhook policy's receiver before it refuses (it fails closed).</summary>
    [Range(1, 60)]
    public int WebhookTimeoutSeconds { get; set; } = 5;

    /// <summary>Webhook-policy calls in flight per node; beyond it viewers are answered 503 at once.</summary>
    [Range(1, 100_000)]
    public int MaxWebhookCallsInFlight { get; set; } = 200;

    /// <summary>How long a receiver's refusal is remembered, so one viewer cannot make the gateway call it in a loop.</summary>
    [Range(0, 3600)]
    public int RefusalCacheSeconds { get; set; } = 10;

    /// <summary>Verdicts (allowed or refused, per access key and playback id) kept per node; the oldest go first.</summary>
    [Range(100, 10_000_000)]
    public int MaxCachedVerdicts { get; set; } = 100_000;
}
