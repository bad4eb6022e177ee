using Microsoft.Extensions.Options;
using StreamGateway.Orchestrator.Sessions;

namespace StreamGateway.Orchestrator.Tests;

public sealed class RenditionStoreTests
{
    [Fact]
    public void Clean_up_deletes_old_renditions_and_long_empty_folders_but_not_a_folder_just_made_for_work()
    {
        var root = Path.Combine(Path.GetTempPath(), $"sg-store-{Guid.NewGuid():N}");
        var store = new RenditionStore(Options.Create(new OrchestratorOptions { WorkDir = root }));
        var now = DateTimeOffset.UtcNow;
        var longAgo = now.UtcDateTime.AddMinutes(-10);
        try
        {
            var old = store.PathFor("s1", "240p", 1);
            var fresh = store.PathFor("s1", "240p", 2);
            Directory.CreateDirectory(Path.GetDirectoryName(old)!);
            File.WriteAllBytes(old, [1]);
            File.WriteAllBytes(fresh, [2]);
            File.SetLastWriteTimeUtc(old, longAgo);
            var abandoned = Path.Combine(root, "s2", "360p");
            Directory.CreateDirectory(abandoned);
            Directory.SetLastWriteTimeUtc(abandoned, longAgo);
            Directory.SetLastWriteTimeUtc(Path.Combine(root, "s2"), longAgo);
            var justMade = Path.GetDirectoryName(store.PathFor("s3", "144p", 1))!;
            Directory.CreateDirectory(justMade); // a segment is being transcoded into it right now
            var payments = Path.Combine(root, Payments.WinningTicketStore.Folder);
            Directory.CreateDirectory(payments);
            Directory.SetLastWriteTimeUtc(payments, longAgo);

            Assert.Equal(1, store.DeleteOlderThan(TimeSpan.FromMinutes(2), now));
            Assert.False(File.Exists(old));
            Assert.True(File.Exists(fresh));
            Assert.False(Directory.Exists(abandoned));
            Assert.True(Directory.Exists(justMade));
            Assert.True(Directory.Exists(payments));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
