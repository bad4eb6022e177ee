using System.Globalization;

namespace StreamGateway.Media.Ffmpeg;

/// <summary>
/// SSIM of a rendition against its reference, from the per-frame lines ffmpeg's ssim filter writes
/// (<c>n:1 Y:0.98 U:0.99 V:0.99 All:0.985 (18.2)</c>): the mean over frames, the worst frame, and how many were compared.
/// 1 is identical; an honest encode of the same picture stays well above 0.9, another picture falls far below.
/// </summary>
public readonly record struct Similarity(double Mean, double Worst, int Frames)
{
    /// <summary>How many frames the rendition decoded to, counted as they left its decoder; -1 when not counted.</summary>
    public long Decoded { get; init; } = -1;

    /// <summary>The frames in a frames file <see cref="FfmpegArguments.CompareWithSource"/> wrote: one <c>frame:</c> line each.</summary>
    public static long CountDecoded(string printed)
    {
        var count = 0L;
        foreach (var line in printed.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("frame:", StringComparison.Ordinal))
            {
                count++;
            }
        }
        return count;
    }

    public static Similarity Parse(string stats)
    {
        double sum = 0, worst = double.MaxValue;
        var frames = 0;
        foreach (var line in stats.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var all = line.IndexOf("All:", StringComparison.Ordinal);
            if (all < 0)
            {
                continue;
            }
            var end = line.IndexOf(' ', all);
            var value = line[(all + 4)..(end < 0 ? line.Length : end)];
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ssim))
            {
                throw new FormatException($"unreadable SSIM line: {line}");
            }
            sum += ssim;
            worst = Math.Min(worst, ssim);
            frames++;
        }
        return frames == 0 ? new Similarity(0, 0, 0) : new Similarity(sum / frames, worst, frames);
    }
}
