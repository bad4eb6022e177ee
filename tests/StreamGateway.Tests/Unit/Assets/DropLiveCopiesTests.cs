using Microsoft.Extensions.Options;
using StreamGateway.Core.Assets;
using StreamGateway.Core.Live;
using StreamGateway.Core.Sessions;
using StreamGateway.Core.Storage;

namespace StreamGateway.Tests.Unit.Assets;

public sealed class DropLiveCopiesTests
{
    [Fact]
    public async Task Only_the_sessions_segments_in_the_range_go()
    {
        var root = Directory.CreateTempSubdirectory("sg-store-").FullName;
        try
        {
            var store = new LocalSegmentStore(Options.Create(new StorageOptions { LocalRoot = root }));
            var session = Guid.CreateVersion7();
            var other = Guid.CreateVersion7();
            var file = Path.Combine(root, "x.ts");
            async Task PutAsync(Guid s, string rendition, long index)
            {
                await File.WriteAllTextAsync(file, "ts");
                await store.PutFileAsync(MediaKeys.Live("pb", rendition, s, index), file, CancellationToken.None);
            }
            foreach (var rendition in new[] { "source", "240p" })
            {
                for (var i = 0; i < 5; i++)
                {
                    await PutAsync(session, rendition, i);
                }
            }
            await PutAsync(other, "source", 2);

            await new DropLiveCopies(store).RunAsync("pb", session, ["source", "240p"], 1, 3);

            bool Stored(Guid s, string rendition, long index) =>
                File.Exists(store.LocalPath(MediaKeys.Live("pb", rendition, s, index)) ?? "");
            foreach (var rendition in new[] { "source", "240p" })
            {
                Assert.Equal([true, false, false, false, true], Enumerable.Range(0, 5).Select(i => Stored(session, rendition, i)));
            }
            Assert.True(Stored(other, "source", 2));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
