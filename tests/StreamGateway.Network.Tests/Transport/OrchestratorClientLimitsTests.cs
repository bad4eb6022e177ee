using System.Diagnostics;
using System.Text;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;

namespace StreamGateway.Network.Tests.Transport;

/// <summary>What an orchestrator sends back is read within bounds, whatever it claims or however long it goes on.</summary>
public sealed class OrchestratorClientLimitsTests : IDisposable
{
    private readonly OrchestratorClient _client = new();
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"sg-limits-{Guid.NewGuid():N}.ts");

    [Fact]
    public async Task An_endless_rendition_is_cut_off_at_the_limit()
    {
        await using var server = new HostileHttpServer("HTTP/1.1 200 OK\r\nContent-Type: video/mp2t", HostileHttpServer.EndlessAsync);
        var watch = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<OrchestratorException>(() =>
            _client.DownloadAsync($"{server.Url}/stream/s/p/0.ts", _file, 1024 * 1024, TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.Contains("runs past the 1048576 bytes allowed", e.Message, StringComparison.Ordinal);
        Assert.Equal("a rendition was far larger than it should be", e.Reason);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.True(new FileInfo(_file).Length <= 1024 * 1024);
    }

    [Fact]
    public async Task A_rendition_that_announces_too_many_bytes_is_refused_before_it_is_read()
    {
        await using var server = new HostileHttpServer("HTTP/1.1 200 OK\r\nContent-Length: 10000000000", HostileHttpServer.EndlessAsync);
        var e = await Assert.ThrowsAsync<OrchestratorException>(() =>
            _client.DownloadAsync($"{server.Url}/x.ts", _file, 1024 * 1024, TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.Contains("10000000000 bytes, more than the 1048576 allowed", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_file) && new FileInfo(_file).Length > 0);
    }

    [Fact]
    public async Task A_long_refusal_is_read_to_a_few_KiB_and_quoted_only_to_the_operator()
    {
        var text = "insufficient balance " + new string('z', 1024 * 1024);
        await using var server = new HostileHttpServer($"HTTP/1.1 400 Bad Request\r\nContent-Length: {text.Length}",
            (stream, ct) => stream.WriteAsync(Encoding.ASCII.GetBytes(text), ct).AsTask());
        var e = await Assert.ThrowsAsync<OrchestratorException>(() => SubmitAsync(server.Url));
        Assert.StartsWith($"{server.Url} refused the segment: 400 insufficient balance zzz", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 400, $"{e.Message.Length} characters");
        Assert.Equal("an orchestrator refused it", e.Reason);
    }

    [Fact]
    public async Task An_endless_transcode_result_is_refused()
    {
        await using var server = new HostileHttpServer("HTTP/1.1 200 OK", HostileHttpServer.EndlessAsync);
        var e = await Assert.ThrowsAsync<OrchestratorException>(() => SubmitAsync(server.Url));
        Assert.Contains($"answered with more than {OrchestratorClient.MaxResultBytes} bytes", e.Message, StringComparison.Ordinal);
    }

    private Task SubmitAsync(string url) =>
        _client.SubmitSegmentAsync(new OrchestratorInfo { Transcoder = url }, new SegData(), new byte[188],
            TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), CancellationToken.None);

    public void Dispose()
    {
        _client.Dispose();
        File.Delete(_file);
    }
}
