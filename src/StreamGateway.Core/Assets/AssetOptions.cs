using System.ComponentModel.DataAnnotations;
using StreamGateway.Core.Jobs;
using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Core.Assets;

/// <summary>Section <c>Assets</c>: uploads and the VOD pipeline.</summary>
public sealed class AssetOptions : IValidatableObject
{
    public const string Section = "Assets";

    /// <summary>The largest file an upload may carry; beyond it the upload answers 413.</summary>
    [Range(1, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>
    /// Bytes one project may keep in uploads: the sources of its assets that are not deleted, plus the declared length of
    /// every tus upload it has in progress. An upload that would go past it is refused (403) before it is written, or
    /// stopped when it does.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxProjectBytes { get; set; } = 100L * 1024 * 1024 * 1024;

    /// <summary>
    /// Free space kept on the disk of <see cref="WorkDir"/>: an upload that would leave less is refused (507) before it
    /// starts, and one that leaves less as it arrives is stopped. 0 turns the floor off.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MinFreeDiskBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// How long the upload URLs of <c>request-upload</c> may be used to start an upload. An upload started in time may
    /// finish later: a direct PUT is checked when it starts, and a tus upload once created goes on with the same URL
    /// for as long as it makes progress (<see cref="UploadTimeoutSeconds"/>).
    /// </summary>
    [Range(1, 7 * 24 * 60)]
    public int UploadUrlMinutes { get; set; } = 60;

    /// <summary>Secret the upload URLs are signed with (shared by every gateway node). Unset: one kept in Redis.</summary>
    public string? UploadSecret { get; set; }

    /// <summary>Where uploads are written while they arrive, and where processing keeps its scratch files.</summary>
    [Required]
    public string WorkDir { get; set; } = Path.Combine(Path.GetTempPath(), "streamgateway-assets");

    /// <summary>Target length of the chunks an asset is cut into (at keyframes) for the orchestrators.</summary>
    [Range(1, 60)]
    public double SegmentSeconds { get; set; } = 6;

    /// <summary>
    /// A chunk cut without re-encoding runs to the source's next keyframe, so sparse keyframes (or none) make long chunks,
    /// each read whole into memory to be sent: a source whose chunks would be longer than this is re-encoded with a
    /// keyframe every <see cref="SegmentSeconds"/>. At least <see cref="SegmentSeconds"/>.
    /// </summary>
    [Range(1, 600)]
    public double MaxChunkSeconds { get; set; } = 20;

    /// <summary>The same for size: a source whose chunks would be larger is re-encoded; a chunk still larger after that fails the asset.</summary>
    [Range(1024 * 1024, 4L * 1024 * 1024 * 1024)]
    public long MaxChunkBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Chunks of one asset in flight at once, each on its own orchestrator attempt.</summary>
    [Range(1, 64)]
    public int ParallelSegments { get; set; } = 3;

    /// <summary>Longest source accepted, in seconds.</summary>
    [Range(1, 86_400)]
    public int MaxDurationSeconds { get; set; } = 4 * 3600;

    /// <summary>An upload not finished this long after its last progress fails (and its partial file is deleted).</summary>
    [Range(1, 30 * 86_400)]
    public int UploadTimeoutSeconds { get; set; } = 24 * 3600;

    /// <summary>Processing that makes no progress this long is queued again once, then failed.</summary>
    [Range(1, 86_400)]
    public int StuckSeconds { get; set; } = 900;

    /// <summary>How often the watchdog looks for stuck assets.</summary>
    [Range(1, 3600)]
    public int WatchdogSeconds { get; set; } = 60;

    /// <summary>
    /// Imports (<c>/asset/upload/url</c>) may fetch from private and loopback addresses, and transcode tasks may use
    /// buckets and input URLs there. Off in production.
    /// </summary>
    public bool AllowPrivateUrls { get; set; }

    /// <summary>How long an import may take to fetch its file.</summary>
    [Range(1, 86_400)]
    public int ImportTimeoutSeconds { get; set; } = 1800;

    /// <summary>
    /// URL imports of one project fetching at once, across every node; more wait (scheduled again every few seconds,
    /// <c>Jobs:BusyRetrySeconds</c>), so a project's slow file servers hold at most this many workers.
    /// </summary>
    [Range(1, 1000)]
    public int MaxConcurrentImportsPerProject { get; set; } = 2;

    /// <summary>
    /// URL imports fetching at once on one node, whatever their project: by default a quarter of the default general
    /// pool (<c>Jobs:Workers</c>), so imports never hold every worker that VOD, webhooks and the sweeps need.
    /// </summary>
    [Range(1, 1000)]
    public int MaxConcurrentImportsPerNode { get; set; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Transcode tasks (<c>POST /transcode</c>) of one project that may be pending or running at once; one more is
    /// refused with 429 until one ends.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxActiveTranscodesPerProject { get; set; } = 10;

    public SlotLimits ImportSlots() => new("import", MaxConcurrentImportsPerProject, MaxConcurrentImportsPerNode);

    /// <summary>The longest clip <c>POST /clip</c> cuts, in seconds.</summary>
    [Range(1, 3600)]
    public int MaxClipSeconds { get; set; } = 120;

    /// <summary>Clips one project may have in the making at once (Studio allows 5); more answer 403.</summary>
    [Range(1, 1000)]
    public int ClipsInFlight { get; set; } = 5;

    /// <summary>
    /// The container formats an upload or import may be in, as ffmpeg demuxer names separated by commas; a file in any
    /// other fails with "unsupported container format". Playlists and lists (hls, concat, image2, dash, …) are never
    /// allowed, since ffmpeg would open the files and URLs they name.
    /// </summary>
    [Required]
    public string AllowedContainerFormats { get; set; } = ContainerFormats.UploadDefault;

    [Required]
    public string FfmpegPath { get; set; } = "ffmpeg";

    [Required]
    public string FfprobePath { get; set; } = "ffprobe";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxChunkSeconds < SegmentSeconds)
        {
            yield return new ValidationResult($"{nameof(MaxChunkSeconds)} must be at least {nameof(SegmentSeconds)}", [nameof(MaxChunkSeconds)]);
        }
        if (ContainerFormats.Problem(AllowedContainerFormats ?? "") is { } problem)
        {
            yield return new ValidationResult($"{nameof(AllowedContainerFormats)} {problem}", [nameof(AllowedContainerFormats)]);
        }
    }
}
