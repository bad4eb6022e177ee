namespace StreamGateway.Core.Webhooks;

/// <summary>The closed list of event names (studio-api §4.1); the SDK rejects any other value.</summary>
public static class WebhookEvents
{
    public const string StreamStarted = "stream.started";
    public const string StreamIdle = "stream.idle";

    public static readonly IReadOnlyList<string> All =
    [
        StreamStarted, StreamIdle, "stream.detection",
        "recording.started", "recording.waiting", "recording.ready",
        "multistream.connected", "multistream.error", "multistream.disconnected",
        "playback.user.new", "playback.accessControl",
        "asset.created", "asset.updated", "asset.ready", "asset.failed", "asset.deleted",
        "task.spawned", "task.updated", "task.completed", "task.failed",
    ];

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);
}
