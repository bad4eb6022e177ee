using System.Globalization;

namespace StreamGateway.Core.Live;

/// <summary>
/// Judges a live session's health from what the publisher sends: keyframe interval, presence of video and
/// bitrate stability. Pure; fed per media message and per segment, asked for issues after each segment.
/// </summary>
public sealed class StreamHealth
{
    public const double MaxKeyframeIntervalSeconds = 4;
    /// <summary>A segment below this share of the session's median bitrate counts as a collapse.</summary>
    public const double CollapseRatio = 0.2;
    private const int SegmentsBeforeBitrateJudged = 3;

    private long? _lastKeyframeMs;
    private double _maxKeyframeGapMs;
    private bool _sawVideo;
    private bool _sawAudio;
    private readonly List<double> _bitrates = [];

    public void OnVideo(uint timestampMs, bool keyframe)
    {
        _sawVideo = true;
        if (!keyframe)
        {
            return;
        }
        if (_lastKeyframeMs is { } last && timestampMs >= last)
        {
            _maxKeyframeGapMs = Math.Max(_maxKeyframeGapMs, timestampMs - last);
        }
        _lastKeyframeMs = timestampMs;
    }

    public void OnAudio() => _sawAudio = true;

    /// <summary>Records a finished segment and returns the current issues (empty when healthy).</summary>
    public IReadOnlyList<string> OnSegment(double durationSeconds, long bytes)
    {
        var issues = new List<string>();
        if (durationSeconds > 0)
        {
            _bitrates.Add(bytes * 8 / durationSeconds);
        }
        if (_maxKeyframeGapMs / 1000 > MaxKeyframeIntervalSeconds)
        {
            issues.Add(string.Create(CultureInfo.InvariantCulture,
                $"Keyframe interval is {_maxKeyframeGapMs / 1000:0.0} s; set the encoder's keyframe interval to 2 s (at most {MaxKeyframeIntervalSeconds:0} s)"));
        }
        if (!_sawVideo && _sawAudio)
        {
            issues.Add("No video: the publisher sends audio only");
        }
        if (_bitrates.Count > SegmentsBeforeBitrateJudged)
        {
            var earlier = _bitrates.Take(_bitrates.Count - 1).Order().ToList();
            var median = earlier[earlier.Count / 2];
            var now = _bitrates[^1];
            if (median > 0 && now < median * CollapseRatio)
            {
                issues.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Bitrate collapsed to {now / 1000:0} kbps from a usual {median / 1000:0} kbps; check the encoder's upload bandwidth"));
            }
        }
        // Each segment is judged on its own keyframe spacing.
        _maxKeyframeGapMs = 0;
        return issues;
    }
}
