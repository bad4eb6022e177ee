using System.Diagnostics;
using System.Text;

namespace StreamGateway.Media.Ffmpeg;

/// <summary>
/// Owns one ffmpeg/ffprobe child: stdin and stdout are the caller's, stderr is drained into a bounded tail kept
/// for error messages, and disposal ends the process (graceful close of stdin first, then kill of the tree).
/// </summary>
public sealed class FfmpegProcess : IAsyncDisposable
{
    private const int StderrTailChars = 4096;
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrPump;

    private FfmpegProcess(Process process)
    {
        _process = process;
        _stderrPump = PumpStderrAsync();
    }

    public System.IO.Stream StandardInput => _process.StandardInput.BaseStream;
    public StreamReader StandardOutput => _process.StandardOutput;
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>The last few KiB of stderr, for a clear error message.</summary>
    public string StderrTail
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static FfmpegProcess Start(string executable, IReadOnlyList<string> arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
        return new FfmpegProcess(process);
    }

    /// <summary>Runs to completion and returns stdout; throws <see cref="FfmpegException"/> on a non-zero exit or timeout.</summary>
    public static async Task<string> RunAsync(string executable, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken ct)
    {
        await using var process = Start(executable, arguments);
        process._process.StandardInput.Close();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var output = process.StandardOutput.ReadToEndAsync(limit.Token);
        try
        {
            await process._process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new FfmpegException($"{Path.GetFileName(executable)} timed out after {timeout.TotalSeconds:0} s", process.StderrTail, timedOut: true);
        }
        var text = await output;
        if (process._process.ExitCode != 0)
        {
            throw new FfmpegException($"{Path.GetFileName(executable)} exited with code {process._process.ExitCode}", process.StderrTail);
        }
        return text;
    }

    /// <summary>Closes stdin (ffmpeg then flushes and exits) and waits; kills the process after <paramref name="grace"/>.</summary>
    public async Task<int> FinishAsync(TimeSpan grace)
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // ffmpeg already went away; its exit code tells why.
        }
        using var limit = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            await _process.WaitForExitAsync();
        }
        await _stderrPump;
        return _process.ExitCode;
    }

    /// <summary>Waits for the process to end by itself.</summary>
    public Task WaitForExitAsync(CancellationToken ct) => _process.WaitForExitAsync(ct);

    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // exited in between
        }
    }

    private async Task PumpStderrAsync()
    {
        var buffer = new char[1024];
        int read;
        while ((read = await _process.StandardError.ReadAsync(buffer)) > 0)
        {
            lock (_stderr)
            {
                _stderr.Append(buffer, 0, read);
                if (_stderr.Length > StderrTailChars)
                {
                    _stderr.Remove(0, _stderr.Length - StderrTailChars);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _stderrPump;
        }
        catch (IOException)
        {
        }
        _process.Dispose();
    }
}
