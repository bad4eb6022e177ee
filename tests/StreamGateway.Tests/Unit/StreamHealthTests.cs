using StreamGateway.Core.Live;

namespace StreamGateway.Tests.Unit;

public sealed class StreamHealthTests
{
    [Fact]
    public void Steady_two_second_keyframes_are_healthy()
    {
        var health = new StreamHealth();
        for (uint t = 0; t <= 6000; t += 33)
        {
            health.OnVideo(t, keyframe: t % 2000 < 33);
        }
        health.OnAudio();
        Assert.Empty(health.OnSegment(2, 500_000));
    }

    [Fact]
    public void Keyframes_more_than_four_seconds_apart_are_an_issue()
    {
        var health = new StreamHealth();
        health.OnVideo(0, keyframe: true);
        health.OnVideo(5000, keyframe: true);
        var issue = Assert.Single(health.OnSegment(5, 1_000_000));
        Assert.StartsWith("Keyframe interval is 5.0 s", issue);

        // The next segment is judged on its own spacing.
        health.OnVideo(7000, keyframe: true);
        Assert.Empty(health.OnSegment(2, 400_000));
    }

    [Fact]
    public void Audio_without_video_is_an_issue()
    {
        var health = new StreamHealth();
        health.OnAudio();
        Assert.Equal(["No video: the publisher sends audio only"], health.OnSegment(2, 30_000));
    }

    [Fact]
    public void A_bitrate_collapse_is_reported_and_recovery_clears_it()
    {
        var health = new StreamHealth();
        health.OnVideo(0, keyframe: true);
        for (var i = 0; i < 4; i++)
        {
            Assert.Empty(health.OnSegment(2, 500_000));
        }
        var issue = Assert.Single(health.OnSegment(2, 50_000));
        Assert.StartsWith("Bitrate collapsed to 200 kbps from a usual 2000 kbps", issue);
        Assert.Empty(health.OnSegment(2, 480_000));
    }
}
