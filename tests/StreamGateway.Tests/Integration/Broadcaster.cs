using System.Diagnostics;

namespace StreamGateway.Tests.Integration;

/// <summary>ffmpeg playing an encoder (OBS stand-in) that publishes a test pattern over RTMP.</summary>
public sealed class Broadcaster : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private Broadcaster(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public static string RtmpUrl(string streamKey) =>
        (Environment.GetEnvironmentVariable("SG_RTMP_URL") ?? throw new InvalidOperationException("SG_RTMP_URL is not set (run ./dev test)"))
        + "/" + streamKey;

    /// <param name="video">Test pattern size such as "320x240", or null for an audio-only publish.</param>
    /// <param name="audio">Whether to send an AAC tone.</param>
    /// <param name="bFrames">Encode with B-frames (decode order differs from presentation order), as most encoders do.</param>
    /// <param name="rtmpUrl">The ingest URL without the key; the suite's gateway unless a test runs its own.</param>
    /// <param name="pattern">The lavfi picture source: "testsrc2", or "color" for a picture that costs nothing to encode at any size.</param>
    public static Broadcaster Start(string streamKey, double seconds, string? video = "320x240", bool audio = true, int gopFrames = 30,
        bool bFrames = false, string? rtmpUrl = null, string pattern = "testsrc2", int rate = 15)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "-hide_banner", "-loglevel", "error", "-re" })
        {
            info.ArgumentList.Add(a);
        }
        if (video is not null)
        {
            Add(info, "-f", "lavfi", "-i", $"{pattern}=size={video}:rate={rate}");
        }
        if (audio)
        {
            Add(info, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100");
        }
        Add(info, "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (video is not null)
        {
            Add(info, "-c:v", "libx264", "-preset", bFrames ? "veryfast" : "ultrafast", "-bf", bFrames ? "3" : "0",
                "-g", gopFrames.ToString(System.Globalization.CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p", "-b:v", "400k");
        }
        if (audio)
        {
            Add(info, "-c:a", "aac", "-b:a", "64k");
        }
        Add(info, "-f", "flv", rtmpUrl is null ? RtmpUrl(streamKey) : $"{rtmpUrl}/{streamKey}");
        return new Broadcaster(Process.Start(info)!);
    }

    /// <summary>GStreamer's RTMP client (rtmp2sink) publishing H.264 + AAC, as a second encoder implementation.</summary>
    /// <summary>
    /// ffmpeg with OBS Studio's default x264 output settings: 30 fps, a keyframe every 2 s, two B-frames, high profile,
    /// constant bitrate, and 48 kHz stereo AAC at 160 kbit/s.
    /// </summary>
    public static Broadcaster StartObsLike(string streamKey, double seconds, string video = "640x360", string bitrate = "1000k")
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        Add(info, "-hide_banner", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", $"testsrc2=size={video}:rate=30",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-bf", "2", "-g", "60", "-keyint_min", "60",
            "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate,
            "-x264-params", "nal-hrd=cbr",
            "-c:a", "aac", "-b:a", "160k", "-ac", "2", "-ar", "48000",
            "-f", "flv", RtmpUrl(streamKey));
        return new Broadcaster(Process.Start(info)!);
    }

    public static Broadcaster StartGStreamer(string streamKey, int frames, int width = 320, int height = 240)
    {
        var info = new ProcessStartInfo("gst-launch-1.0") { RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        var pipeline = $"-q videotestsrc is-live=true num-buffers={frames} ! video/x-raw,width={width},height={height},framerate=15/1,format=I420 " +
                       "! x264enc tune=zerolatency key-int-max=30 speed-preset=ultrafast ! h264parse ! flvmux streamable=true name=m " +
                       $"! rtmp2sink location={RtmpUrl(streamKey)} " +
                       $"audiotestsrc is-live=true num-buffers={frames * 44100 / 15 / 1024} ! audio/x-raw,rate=44100 ! voaacenc ! aacparse ! m.";
        foreach (var a in pipeline.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            info.ArgumentList.Add(a);
        }
        return new Broadcaster(Process.Start(info)!);
    }

    private static void Add(ProcessStartInfo info, params string[] args)
    {
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Freezes the encoder (SIGSTOP): its connection stays open but carries nothing, like a stalled uplink.</summary>
    public async Task FreezeAsync()
    {
        var (exit, _, stderr) = await Viewer.RunAsync("kill", "-STOP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exit == 0, stderr);
    }

    /// <summary>Waits for ffmpeg to end; returns its exit code and what it printed.</summary>
    public async Task<(int ExitCode, string Stderr)> WaitAsync(TimeSpan within)
    {
        using var limit = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the broadcaster did not end within {within.TotalSeconds:0} s");
        }
        return (_process.ExitCode, await _stderr);
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}

/// <summary>Runs ffprobe/ffmpeg as a viewer would, against the gateway's HLS URLs.</summary>
public static class Viewer
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
