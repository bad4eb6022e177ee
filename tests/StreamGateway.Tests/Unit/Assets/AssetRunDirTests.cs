using Microsoft.Extensions.Options;
using StreamGateway.Core.Assets;
using StreamGateway.Core.Storage;

namespace StreamGateway.Tests.Unit.Assets;

public sealed class AssetRunDirTests
{
    [Fact]
    public async Task Two_runs_of_one_asset_work_in_folders_of_their_own_and_one_ending_leaves_the_other_alone()
    {
        var root = Directory.CreateTempSubdirectory("sg-assets-").FullName;
        try
        {
            var storage = new AssetStorage(new LocalSegmentStore(Options.Create(new StorageOptions { LocalRoot = Path.Combine(root, "store") })),
                Options.Create(new AssetOptions { WorkDir = Path.Combine(root, "work") }));
            var asset = Guid.NewGuid();

            var first = storage.NewRunDir(asset, "process");
            var second = storage.NewRunDir(asset, "process"); // queued again while the first still works
            Assert.NotEqual(first.Path, second.Path);
            File.WriteAllText(Path.Combine(first.Path, "source"), "first");
            File.WriteAllText(Path.Combine(second.Path, "source"), "second");

            second.Dispose(); // the second run ends and cleans up

            Assert.False(Directory.Exists(second.Path));
            Assert.Equal("first", File.ReadAllText(Path.Combine(first.Path, "source")));
            // Nor does a run share the folder an upload of the asset arrives in.
            Assert.False(first.Path.StartsWith(storage.WorkDir(asset), StringComparison.Ordinal));

            // A run whose node died never disposes its folder: deleting the asset removes it, and no other asset's.
            var other = storage.NewRunDir(Guid.NewGuid(), "clip");
            await storage.DeleteAllAsync(new Asset { Id = asset, Name = "a", PlaybackId = "pb", Phase = AssetPhase.Processing, SourceType = "upload" });
            Assert.False(Directory.Exists(first.Path));
            Assert.True(Directory.Exists(other.Path));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
