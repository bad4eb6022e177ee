namespace StreamGateway.Core.Assets;

/// <summary>One job run's scratch folder (<see cref="AssetStorage.NewRunDir"/>): created at once, deleted with everything in it on dispose.</summary>
public sealed class AssetRunDir : IDisposable
{
    public AssetRunDir(string path)
    {
        Path = path;
        Directory.CreateDirectory(path);
    }

    public string Path { get; }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
