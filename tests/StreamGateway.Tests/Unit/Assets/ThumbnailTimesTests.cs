using StreamGateway.Core.Assets;

namespace StreamGateway.Tests.Unit.Assets;

public sealed class ThumbnailTimesTests
{
    [Fact]
    public void Cues_start_where_the_pictures_were_taken_counted_from_the_first()
    {
        const string printed = "frame:0    pts:126000  pts_time:1.4\nthumbnail=1\nframe:1    pts:666000  pts_time:7.4\nthumbnail=1\n" +
                               "frame:2    pts:1206000 pts_time:13.4\nthumbnail=1\n";
        Assert.Equal([0.0, 6.0, 12.0], VodDownloads.PictureTimes(printed, 3).Select(t => Math.Round(t, 6)));
    }

    [Theory]
    [InlineData("")]                                                        // nothing printed
    [InlineData("frame:0 pts:0 pts_time:0\nframe:1 pts:1 pts_time:5\n")]   // fewer times than pictures
    [InlineData("frame:0 pts:0 pts_time:0\nframe:1 pts:1 pts_time:nan\nframe:2 pts:2 pts_time:9\n")]
    [InlineData("frame:0 pts:0 pts_time:8\nframe:1 pts:1 pts_time:5\nframe:2 pts:2 pts_time:9\n")] // out of order
    public void Without_usable_times_the_pictures_are_placed_every_interval(string printed)
    {
        Assert.Equal([0.0, 5.0, 10.0], VodDownloads.PictureTimes(printed, 3));
    }

    [Theory]
    [InlineData(0, 3.0, true)]     // nothing decoded as a keyframe
    [InlineData(1, 3.0, false)]    // a short clip: one picture is all it needs
    [InlineData(12, 60.0, false)]  // keyframes every 2 s
    [InlineData(6, 60.0, false)]   // keyframes every 10 s: half the pictures, each cue 10 s
    [InlineData(3, 60.0, true)]    // keyframes every 20 s or more: decode every frame
    public void Keyframes_that_give_too_few_pictures_mean_a_full_decode(int pictures, double duration, bool tooFew)
    {
        Assert.Equal(tooFew, VodDownloads.TooFewPictures(pictures, duration));
    }
}
