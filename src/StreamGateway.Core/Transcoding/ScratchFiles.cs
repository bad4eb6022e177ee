namespace StreamGateway.Core.Transcoding;

/// <summary>
/// The segment checks' scratch files in the temp folder, named in one place so that <see cref="ScratchFileSweep"/>
/// finds every kind the checks make.
/// </summary>
public static class ScratchFiles
{
    private const string RenditionPrefix = "sg-rendition-", SourcePrefix = "sg-source-", ComparisonPrefix = "sg-ssim-";

    /// <summary>The extensions of a comparison's two files, added to <see cref="NewComparison"/>'s path.</summary>
    public const string StatsExtension = ".log", FramesExtension = ".frames";

    /// <summary>The file names <see cref="ScratchFileSweep"/> deletes once they are old.</summary>
    public static readonly string[] Patterns =
    [
        RenditionPrefix + "*.ts", SourcePrefix + "*.ts", ComparisonPrefix + "*" + StatsExtension, ComparisonPrefix + "*" + FramesExtension,
    ];

    /// <summary>A new path for a rendition fetched from an orchestrator.</summary>
    public static string NewRendition() => New(RenditionPrefix) + ".ts";

    /// <summary>A new path for the copy of a source segment a comparison reads.</summary>
    public static string NewSource() => New(SourcePrefix) + ".ts";

    /// <summary>A new path, without extension, for a comparison's stats and frames files.</summary>
    public static string NewComparison() => New(ComparisonPrefix);

    private static string New(string prefix) => Path.Combine(Path.GetTempPath(), $"{prefix}{Guid.NewGuid():N}");
}
