using System.Net;
using System.Net.Sockets;
using StreamGateway.Core.Transcoding;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;

namespace StreamGateway.Tests.Unit.Transcoding;

/// <summary>
/// An orchestrator chooses its service URI and its rendition URLs, so it could point the gateway at the gateway's own
/// network. The client the gateway registers refuses such addresses on every kind of call unless allowed.
/// </summary>
public sealed class OrchestratorAddressTests
{
    [Fact]
    public async Task Calls_to_loopback_orchestrators_are_refused_before_a_connection_is_made()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        using var client = TranscodingExtensions.NewOrchestratorClient(allowPrivate: false);
        var file = Path.Combine(Path.GetTempPath(), $"sg-refused-{Guid.NewGuid():N}.ts");

        var download = await Assert.ThrowsAsync<OrchestratorException>(() =>
            client.DownloadAsync($"{url}/stream/s/p/0.ts", file, 1024, TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Contains("refused to connect to orchestrator 127.0.0.1", download.Message, StringComparison.Ordinal);
        var post = await Assert.ThrowsAsync<OrchestratorException>(() => client.SubmitSegmentAsync(new OrchestratorInfo { Transcoder = url },
            new SegData(), new byte[188], TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Contains("refused to connect to orchestrator 127.0.0.1", post.Message, StringComparison.Ordinal);
        var discovery = await Assert.ThrowsAsync<OrchestratorException>(() =>
            client.GetOrchestratorAsync(url, new OrchestratorRequest(), TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Contains("refused to connect to orchestrator 127.0.0.1", discovery.Message, StringComparison.Ordinal);
        Assert.False(listener.Pending(), "a connection reached the listener");
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task A_devnet_that_allows_private_orchestrators_reaches_them()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = TranscodingExtensions.NewOrchestratorClient(allowPrivate: true);
        var download = client.DownloadAsync($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/x.ts",
            Path.Combine(Path.GetTempPath(), $"sg-allowed-{Guid.NewGuid():N}.ts"), 1024, TimeSpan.FromSeconds(2), CancellationToken.None);
        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(accepted.Connected);
        await Assert.ThrowsAsync<OrchestratorException>(() => download); // nothing answers, so it times out
    }
}
