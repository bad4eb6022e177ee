using StreamGateway.Core.Live;

namespace StreamGateway.Tests.Unit;

/// <summary>The source's frame rate as the native segmenter reads it from its first segment's times.</summary>
public sealed class LiveFrameRateTests
{
    [Theory]
    // 30 frames over 2 s, with the span off by a millisecond either way (FLV rounds times to whole milliseconds).
    [InlineData(30, 2.000, 15.0)]
    [InlineData(30, 2.001, 15.0)]
    [InlineData(60, 1.999, 30.0)]
    [InlineData(60, 2.0020, 30000 / 1001.0)]
    [InlineData(50, 2.0, 25.0)]
    [InlineData(120, 1.999, 60.0)]
    [InlineData(48, 2.0025, 24000 / 1001.0)]
    // Not near a usual rate: two decimals.
    [InlineData(35, 2.0, 17.5)]
    [InlineData(61, 3.0, 20.33)]
    public void Reads_the_nearest_usual_rate_or_two_decimals(long frames, double seconds, double expected) =>
        Assert.Equal(expected, LiveSegmenter.CommonFrameRate(frames, seconds)!.Value, 6);

    [Theory]
    [InlineData(1, 2.0)]
    [InlineData(30, 0)]
    [InlineData(0, 0)]
    public void Too_little_to_tell_is_unknown(long frames, double seconds) =>
        Assert.Null(LiveSegmenter.CommonFrameRate(frames, seconds));
}
