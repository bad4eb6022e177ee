namespace StreamGateway.Core.Storage;

/// <summary>A store whose objects are files on this machine, which HTTP can send straight from disk.</summary>
public interface ILocalSegmentFiles
{
    /// <summary>The file holding <paramref name="key"/>, or null when there is none.</summary>
    string? LocalPath(string key);
}
