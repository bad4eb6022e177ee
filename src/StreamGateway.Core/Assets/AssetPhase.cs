namespace StreamGateway.Core.Assets;

/// <summary>Phases of an asset (studio-api §3.6): uploading → waiting → processing → ready | failed; deleting → deleted.</summary>
public static class AssetPhase
{
    public const string Uploading = "uploading";
    public const string Waiting = "waiting";
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";
    public const string Deleted = "deleted";
}
