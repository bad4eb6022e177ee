using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace StreamGateway.Tests.Integration.Multistream;

/// <summary>
/// A restream target that is not our code: ffmpeg listening for an RTMP publish, or as an SRT listener, writing what it
/// receives to a file. It can be killed and started again on the same port.
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-receiver-").FullName;
    private readonly bool _srt;
    private Process? _process;
    private int _runs;

    public int Port { get; }
    public string Url => _srt ? $"srt://127.0.0.1:{Port}?mode=caller" : $"rtmp://127.0.0.1:{Port}/live/target-key";
    /// <summary>The files each run wrote, in order.</summary>
    public List<string> Files { get; } = [];

    private Receiver(bool srt)
    {
        _srt = srt;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public static Receiver Rtmp() => new Receiver(srt: false).Started();
    public static Receiver Srt() => new Receiver(srt: true).Started();

    public Receiver Started()
    {
        var file = Path.Combine(_dir, $"run{++_runs}.{(_srt ? "ts" : "flv")}");
        Files.Add(file);
        var input = _srt ? $"srt://127.0.0.1:{Port}?mode=listener" : $"rtmp://127.0.0.1:{Port}/live/target-key";
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in (string[])["-hide_banner", "-loglevel", "error", "-y", .. (_srt ? [] : (string[])["-listen", "1"]), "-i", input,
                     "-c", "copy", "-f", _srt ? "mpegts" : "flv", file])
        {
            info.ArgumentList.Add(a);
        }
        _process = Process.Start(info)!;
        return this;
    }

    public async Task KillAsync()
    {
        _process!.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Waits for the receiver to finish (the push closed) and probes what it wrote: (width, height, seconds).</summary>
    public async Task<(int Width, int Height, double Seconds)> ReceivedAsync(int run = -1, int seconds = 30)
    {
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(seconds)))
        {
            await _process!.WaitForExitAsync(limit.Token);
        }
        return await ProbeAsync(Files[run < 0 ? Files.Count - 1 : run]);
    }

    public static async Task<(int Width, int Height, double Seconds)> ProbeAsync(string file)
    {
        var (code, output, error) = await Viewer.RunAsync("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
            "-show_entries", "stream=width,height,nb_read_packets,r_frame_rate:format=duration", "-of", "json", file);
        Assert.True(code == 0, error);
        var json = JsonNode.Parse(output)!;
        var stream = json["streams"]![0]!;
        return ((int)stream["width"]!, (int)stream["height"]!, double.Parse((string)json["format"]!["duration"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await KillAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }
}
