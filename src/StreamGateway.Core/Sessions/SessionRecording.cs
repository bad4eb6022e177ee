namespace StreamGateway.Core.Sessions;

/// <summary>What a session shows of its recording (studio-api §3.10).</summary>
/// <param name="AssetId">The recording asset (its id is the session's).</param>
/// <param name="Status"><c>waiting</c>, <c>ready</c>, <c>failed</c> or <c>deleted</c>.</param>
/// <param name="RecordingUrl">Its HLS playlist, once it is ready.</param>
/// <param name="Mp4Url">Its MP4 download, once it is ready.</param>
public sealed record SessionRecording(Guid AssetId, string Status, string? RecordingUrl, string? Mp4Url);
