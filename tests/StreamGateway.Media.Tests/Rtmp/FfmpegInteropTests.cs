using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using StreamGateway.Media.Flv;
using StreamGateway.Media.Rtmp;

namespace StreamGateway.Media.Tests.Rtmp;

public class FfmpegInteropTests
{
    public static string? FindFfmpeg() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "ffmpeg"))
            .FirstOrDefault(File.Exists);

    // ffmpeg is a dependency of the product, installed by ./dev; without it this test fails rather than skips.
    [Fact]
    public async Task Ffmpeg_publishes_h264_and_aac_over_a_real_socket()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));

        using var ffmpeg = Process.Start(new ProcessStartInfo(FindFfmpeg()!)
        {
            ArgumentList =
            {
                "-hide_banner", "-nostdin", "-loglevel", "error",
                "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=15",
                "-f", "lavfi", "-i", "sine",
                "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "15", "-c:a", "aac",
                "-f", "flv", $"rtmp://127.0.0.1:{port}/live/testkey?sig=1",
            },
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var stderr = ffmpeg.StandardError.ReadToEndAsync(cts.Token);

        using var socket = await listener.AcceptSocketAsync(cts.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var transport = new StreamTransport(PipeReader.Create(stream), PipeWriter.Create(stream));
        var sink = new RecordingSink();
        var log = new ConcurrentQueue<string>();
        RtmpPublishRequest? request = null;

        await new RtmpServerConnection(new RtmpServerOptions(), log.Enqueue).RunAsync(
            transport,
            (r, _) =>
            {
                request = r;
                return ValueTask.FromResult<IRtmpPublishSink?>(sink);
            },
            cts.Token);
        await ffmpeg.WaitForExitAsync(cts.Token);

        Assert.True(ffmpeg.ExitCode == 0, await stderr);
        Assert.Equal("", await stderr);
        Assert.Equal(new RtmpPublishRequest("live", "testkey", "sig=1", $"rtmp://127.0.0.1:{port}/live"), request);
        Assert.Equal(1, sink.CompleteCount);
        Assert.Equal("unpublished", await sink.Completed);

        var messages = sink.Messages;
        var metaData = messages.First(m => m.Kind == RtmpMessageKind.Data);
        Assert.Equal(320.0, Amf0.OnMetaDataFields(metaData.Payload)["width"]);
        var video = messages.Where(m => m.Kind == RtmpMessageKind.Video).ToList();
        var audio = messages.Where(m => m.Kind == RtmpMessageKind.Audio).ToList();
        // -preset ultrafast turns CABAC and B-frames off, so x264 signals Constrained Baseline (0x42, 0xC0).
        Assert.Matches("^avc1\\.42C0[0-9A-F]{2}$", FlvVideo.AvcCodecString(video[0].Payload));
        Assert.Equal("mp4a.40.2", FlvAudio.AacCodecString(audio[0].Payload));
        Assert.True(video.Count >= 25, $"{video.Count} video messages");
        Assert.True(audio.Count >= 50, $"{audio.Count} audio messages");
        Assert.True(video.Count(v => FlvVideo.IsKeyframe(v.Payload)) >= 2);
        Assert.InRange(video[^1].Timestamp, 1500u, 2500u);
        Assert.DoesNotContain(log, l => l.Contains("testkey", StringComparison.Ordinal));
    }

    private sealed class StreamTransport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
