using StreamGateway.Core.Storage;
using StreamGateway.Core.Assets;
using StreamGateway.Core.Sessions;

namespace StreamGateway.Tests.Unit.Assets;

public sealed class RecordingStatusTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static Session Recorded(DateTimeOffset lastSeen) => new()
    {
        Name = "s", PlaybackId = "p", Profiles = "[]", Record = true, CreatedAt = lastSeen.AddMinutes(-1), LastSeen = lastSeen,
    };

    private static Asset Recording(string phase, bool deleted = false) => new()
    {
        Name = "r", PlaybackId = "q", Phase = phase, SourceType = "recording", DeletedAt = deleted ? Now : null,
    };

    [Theory]
    [InlineData(AssetPhase.Waiting, false, "waiting")]
    [InlineData(AssetPhase.Processing, false, "waiting")]
    [InlineData(AssetPhase.Ready, false, "ready")]
    [InlineData(AssetPhase.Failed, false, "failed")]
    [InlineData(AssetPhase.Ready, true, "deleted")]
    [InlineData(AssetPhase.Deleted, true, "deleted")]
    public void The_status_follows_the_recording_asset(string phase, bool deleted, string expected) =>
        Assert.Equal(expected, SessionResource.RecordingStatusOf(Recorded(Now), SessionRecordings.Describe(Recording(phase, deleted), "https://gw.example"), Now));

    [Fact]
    public void Without_an_asset_a_session_waits_until_it_is_stale()
    {
        Assert.Equal("waiting", SessionResource.RecordingStatusOf(Recorded(Now.AddHours(-2)), null, Now));
        Assert.Equal("none", SessionResource.RecordingStatusOf(Recorded(Now.AddHours(-4)), null, Now));
    }

    [Fact]
    public void Only_a_ready_recording_has_urls()
    {
        var session = Recorded(Now);
        var processing = SessionResource.From(session, Now, SessionRecordings.Describe(Recording(AssetPhase.Processing), "https://gw.example"));
        Assert.Null(processing.RecordingUrl);
        Assert.Null(processing.Mp4Url);
        var ready = Recording(AssetPhase.Ready);
        ready.HasPlayback = true;
        ready.Mp4s = """[{"name":"static240p.mp4","width":426,"height":240,"bitrate":300000,"size":1000}]""";
        var resource = SessionResource.From(session, Now, SessionRecordings.Describe(ready, "https://gw.example"), withAssetId: true);
        Assert.Equal("https://gw.example/hls/q/index.m3u8", resource.RecordingUrl);
        Assert.Equal("https://gw.example/hls/q/static240p.mp4", resource.Mp4Url);
        Assert.Equal(ready.Id.ToString(), resource.AssetId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(12345)]
    public void Segment_names_carry_their_index(long index)
    {
        var session = Guid.CreateVersion7();
        var name = MediaKeys.LiveFile(session, index);
        Assert.StartsWith(session.ToString("N")[^12..] + "_", name, StringComparison.Ordinal);
        Assert.Equal(index, MediaKeys.LiveFileIndex(name));
    }

    [Theory]
    [InlineData("source.ts", -1)]
    [InlineData("abc_x.ts", -1)]
    [InlineData("abc_-1.ts", -1)]
    public void Other_names_are_not_mistaken_for_session_segments(string name, long expected) =>
        Assert.Equal(expected, MediaKeys.LiveFileIndex(name));
}
