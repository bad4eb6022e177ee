namespace StreamGateway.Network.Selection;

/// <summary>Per-segment timing rules of the broadcaster (livepeer-protocol §2.3, §2.5).</summary>
public static class SegmentTiming
{
    /// <summary>A latency score at or under this keeps an orchestrator for the next segment.</summary>
    public const double GoodLatencyScore = 1.0;

    public const int MaxAttempts = 3;

    private static readonly TimeSpan MinScoreDenominator = TimeSpan.FromSeconds(1.5);

    /// <summary>(upload + transcode + download) / max(1.5 s, segment duration).</summary>
    public static double LatencyScore(TimeSpan roundTrip, TimeSpan segmentDuration) =>
        roundTrip.TotalSeconds / Math.Max(MinScoreDenominator.TotalSeconds, segmentDuration.TotalSeconds);

    /// <summary>The whole budget for one segment, all attempts included: max(8 s, 4 × duration).</summary>
    public static TimeSpan SegmentDeadline(TimeSpan segmentDuration) =>
        TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(8).Ticks, 4 * segmentDuration.Ticks));

    /// <summary>Time allowed until the orchestrator's response headers: max(2 s, duration / 2).</summary>
    public static TimeSpan UploadDeadline(TimeSpan segmentDuration) =>
        TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(2).Ticks, segmentDuration.Ticks / 2));

    /// <summary>
    /// Whether to send the next segment to the last orchestrator: it has nothing in flight and scored well, or
    /// its oldest segment in flight is younger than <paramref name="durationMultiple"/> × the segment duration
    /// (never less than 1.5 s).
    /// </summary>
    public static bool Reuse(double? lastLatencyScore, TimeSpan? oldestInFlight, TimeSpan segmentDuration, int durationMultiple = 1)
    {
        if (oldestInFlight is null)
        {
            return lastLatencyScore is > 0 and <= GoodLatencyScore;
        }
        var limit = TimeSpan.FromTicks(Math.Max(MinScoreDenominator.Ticks, durationMultiple * segmentDuration.Ticks));
        return oldestInFlight < limit;
    }
}
