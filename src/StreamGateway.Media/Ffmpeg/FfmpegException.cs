namespace StreamGateway.Media.Ffmpeg;

public sealed class FfmpegException(string message, string stderrTail, bool timedOut = false)
    : Exception(string.IsNullOrWhiteSpace(stderrTail) ? message : $"{message}: {stderrTail.Trim()}")
{
    public string StderrTail { get; } = stderrTail;

    /// <summary>The process ran out of time rather than failing on its input.</summary>
    public bool TimedOut { get; } = timedOut;
}
