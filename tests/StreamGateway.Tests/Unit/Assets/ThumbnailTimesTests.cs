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
}
