using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace StreamGateway.Orchestrator.Sessions;

/// <summary>
/// Rendition files under {WorkDir}/{sessionId}/{profile}/{seq}.ts, served at the path go-O uses:
/// {serviceUri}/stream/{sessionId}/{profile}/{seq}.ts (livepeer-wire §3.5).
/// </summary>
public sealed partial class RenditionStore(IOptions<OrchestratorOptions> options)
{
    /// <summary>Session ids and profile names become path segments, so only these characters are allowed.</summary>
    public static bool IsSafeName(string name) => SafeName().IsMatch(name);

    public string PathFor(string sessionId, string profile, long seq) =>
        Path.Combine(Path.GetFullPath(options.Value.WorkDir), sessionId, profile, seq.ToString(CultureInfo.InvariantCulture) + ".ts");

    /// <summary>A new file name each time: a segment sent twice at once must not land in one file.</summary>
    public string SourcePathFor(string sessionId, long seq) =>
        IncomingPath($"{sessionId}-{seq.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}.ts");

    /// <summary>Where source segments wait while they are transcoded.</summary>
    public string IncomingPath(string name) => Path.Combine(Path.GetFullPath(options.Value.WorkDir), "incoming", name);

    public Uri UrlFor(string sessionId, string profile, long seq) =>
        new(options.Value.ServiceBase, $"stream/{sessionId}/{profile}/{seq.ToString(CultureInfo.InvariantCulture)}.ts");

    /// <summary>The file if it exists and the names are ours to serve; null means 404.</summary>
    public string? Find(string sessionId, string profile, long seq)
    {
        if (!IsSafeName(sessionId) || !IsSafeName(profile) || seq < 0)
        {
            return null;
        }
        var path = PathFor(sessionId, profile, seq);
        return File.Exists(path) ? path : null;
    }

    public void DeleteSession(string sessionId)
    {
        var folder = Path.Combine(options.Value.WorkDir, sessionId);
        if (IsSafeName(sessionId) && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Deletes renditions older than <paramref name="age"/> and folders left empty as long; returns the files deleted.</summary>
    public int DeleteOlderThan(TimeSpan age, DateTimeOffset now)
    {
        var root = Path.GetFullPath(options.Value.WorkDir);
        if (!Directory.Exists(root))
        {
            return 0;
        }
        var deleted = 0;
        var kept = Path.Combine(root, Payments.WinningTicketStore.Folder);
        foreach (var file in Directory.EnumerateFiles(root, "*.ts", SearchOption.AllDirectories))
        {
            try
            {
                if (now - File.GetLastWriteTimeUtc(file) > age)
                {
                    File.Delete(file);
                    deleted++;
                }
            }
            catch (IOException)
            {
            }
        }
        foreach (var folder in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
        {
            if (folder.StartsWith(kept, StringComparison.Ordinal))
            {
                continue;
            }
            try
            {
                // Only folders that have been empty a while: a folder made for a segment that is being transcoded
                // right now is empty until ffmpeg writes into it.
                if (now - Directory.GetLastWriteTimeUtc(folder) > age && !Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    Directory.Delete(folder);
                }
            }
            catch (IOException)
            {
            }
        }
        return deleted;
    }

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex SafeName();
}
