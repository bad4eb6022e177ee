using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Streams;

namespace StreamGateway.Tests.Unit;

/// <summary>
/// The per-node stream answer cache in memory: held for one project only, bounded, and never keeping an answer read
/// across a write. (Forgetting through Redis runs in the integration and cluster tests.)
/// </summary>
public sealed class StreamReadCacheTests
{
    private static StreamReadCache Cache(int maxEntries = 100) =>
        // Redis is only used to tell other nodes about writes, which these tests do not make.
        new(null!, Options.Create(new StreamCacheOptions { Milliseconds = 60_000, MaxEntries = maxEntries }), NullLogger<StreamReadCache>.Instance);

    [Fact]
    public void An_answer_is_held_for_its_project_only()
    {
        using var cache = Cache();
        Guid project = Guid.NewGuid(), stream = Guid.NewGuid();
        cache.Set(project, stream, [1, 2, 3], cache.Generation);
        Assert.True(cache.TryGet(project, stream, out var json));
        Assert.Equal([1, 2, 3], json);
        Assert.False(cache.TryGet(Guid.NewGuid(), stream, out _));
        Assert.False(cache.TryGet(project, Guid.NewGuid(), out _));
    }

    [Fact]
    public void A_flood_of_distinct_streams_holds_no_more_than_the_bound()
    {
        using var cache = Cache(maxEntries: 10);
        var project = Guid.NewGuid();
        var streams = Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid()).ToList();
        foreach (var stream in streams)
        {
            cache.Set(project, stream, [0], cache.Generation);
        }
        Assert.InRange(streams.Count(s => cache.TryGet(project, s, out _)), 1, 10);
    }

    [Fact]
    public void Nothing_is_kept_when_the_cache_is_off()
    {
        using var cache = new StreamReadCache(null!, Options.Create(new StreamCacheOptions { Milliseconds = 0 }), NullLogger<StreamReadCache>.Instance);
        Guid project = Guid.NewGuid(), stream = Guid.NewGuid();
        cache.Set(project, stream, [1], cache.Generation);
        Assert.False(cache.TryGet(project, stream, out _));
    }
}
