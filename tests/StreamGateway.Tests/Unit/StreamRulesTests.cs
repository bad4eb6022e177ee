using System.Text.Json;
using StreamGateway.Core.Streams;

namespace StreamGateway.Tests.Unit;

public sealed class StreamRulesTests
{
    private static FfmpegProfile Profile(string name = "p", int? width = 640, int? height = 360, int? bitrate = 600_000, int? fps = 30) =>
        new() { Name = name, Width = width, Height = height, Bitrate = bitrate, Fps = fps };

    [Fact]
    public void Default_profiles_are_studios_live_ladder()
    {
        var defaults = StreamRules.DefaultProfiles();
        Assert.Equal(["240p0", "360p0", "480p0", "720p0"], defaults.Select(p => p.Name));
        Assert.Equal([(426, 240, 250_000), (640, 360, 800_000), (854, 480, 1_600_000), (1280, 720, 3_000_000)],
            defaults.Select(p => (p.Width!.Value, p.Height!.Value, p.Bitrate!.Value)));
        Assert.All(defaults, p => Assert.Equal(0, p.Fps));
        var errors = new List<string>();
        StreamRules.CheckProfiles(defaults, errors);
        Assert.Empty(errors);
    }

    public static TheoryData<FfmpegProfile, string> BadProfiles => new()
    {
        { Profile(width: 127), "profiles[0].width: must be an integer >= 128" },
        { Profile(height: null), "profiles[0].height: is required" },
        { Profile(bitrate: 399), "profiles[0].bitrate: must be an integer >= 400" },
        { Profile(fps: -1), "profiles[0].fps: must be an integer >= 0" },
        { Profile(name: ""), "profiles[0].name: is required" },
        { Profile(name: "source"), "profiles[0].name: \"source\" is reserved for the source rendition" },
        { new FfmpegProfile { Name = "q", Width = 640, Height = 360, Bitrate = 500_000, Fps = 0, Quality = 45 }, "profiles[0].quality: must be between 0 and 44" },
        { new FfmpegProfile { Name = "g", Width = 640, Height = 360, Bitrate = 500_000, Fps = 0, Gop = "often" }, "profiles[0].gop: must be a number of seconds such as \"2.0\", or \"intra\"" },
        { new FfmpegProfile { Name = "e", Width = 640, Height = 360, Bitrate = 500_000, Fps = 0, Encoder = "VP9" }, "profiles[0].encoder: must be one of H.264" },
    };

    [Theory]
    [MemberData(nameof(BadProfiles))]
    public void Bad_profiles_are_named_in_the_error(FfmpegProfile profile, string expected)
    {
        var errors = new List<string>();
        StreamRules.CheckProfiles([profile], errors);
        Assert.Contains(expected, errors);
    }

    [Fact]
    public void Duplicate_profile_names_are_rejected()
    {
        var errors = new List<string>();
        StreamRules.CheckProfiles([Profile("a"), Profile("a")], errors);
        Assert.Equal(["profiles[1].name: \"a\" is used by more than one profile"], errors);
    }

    [Theory]
    [InlineData("\"bob\"", "{\"type\":\"unverified\",\"value\":\"bob\"}")]
    [InlineData("{\"type\":\"unverified\",\"value\":\"eve\"}", "{\"type\":\"unverified\",\"value\":\"eve\"}")]
    public void Creator_id_is_normalised(string input, string expected)
    {
        var errors = new List<string>();
        var result = StreamRules.NormaliseCreatorId(JsonDocument.Parse(input).RootElement, errors);
        Assert.Empty(errors);
        Assert.Equal(expected, result!.ToJsonString());
    }

    [Theory]
    [InlineData("{\"type\":\"verified\",\"value\":\"x\"}")]
    [InlineData("42")]
    public void Bad_creator_id_is_rejected(string input)
    {
        var errors = new List<string>();
        StreamRules.NormaliseCreatorId(JsonDocument.Parse(input).RootElement, errors);
        Assert.Single(errors);
    }

    [Theory]
    [InlineData("{\"a\":\"x\",\"b\":2,\"c\":[\"y\",3]}", 0)]
    [InlineData("{\"a\":true}", 1)]
    [InlineData("{\"a\":[{\"b\":1}]}", 1)]
    [InlineData("[1]", 1)]
    public void User_tags_hold_strings_numbers_and_arrays_of_them(string json, int errorCount)
    {
        var errors = new List<string>();
        StreamRules.CheckUserTags(JsonDocument.Parse(json).RootElement, errors);
        Assert.Equal(errorCount, errors.Count);
    }

    [Fact]
    public void User_tags_are_limited_to_2048_characters()
    {
        var errors = new List<string>();
        StreamRules.CheckUserTags(JsonDocument.Parse($"{{\"a\":\"{new string('x', 2100)}\"}}").RootElement, errors);
        Assert.Equal(["userTags: must be at most 2048 characters when serialised"], errors);
    }

    [Fact]
    public void Multistream_targets_must_name_a_profile_and_exactly_one_of_id_or_spec()
    {
        var spec = new MultistreamSpec
        {
            Targets =
            [
                new() { Profile = "720p0", Spec = new() { Url = "rtmp://a/b" } },
                new() { Profile = "nope", Id = "t1" },
                new() { Profile = "source" },
                new() { Profile = "source", Spec = new() { Url = "http://a/b" } },
            ],
        };
        var errors = new List<string>();
        var badRequests = new List<string>();
        StreamRules.CheckMultistream(spec, ["720p0"], errors, badRequests);
        Assert.Equal([
            "multistream.targets[1].profile: must be \"source\" or the name of one of the stream's profiles",
            "multistream.targets[3].spec.url: must be an srt://, rtmp:// or rtmps:// URL",
        ], errors);
        Assert.Equal(["multistream.targets[2]: give exactly one of \"id\" or \"spec\""], badRequests);

        StreamRules.AssignTargetIds(spec);
        Assert.True(Guid.TryParse(spec.Targets![0].Id, out _));
        Assert.Equal("t1", spec.Targets[1].Id);
        Assert.False(spec.Targets[0].VideoOnly);
    }

    [Theory]
    [InlineData("public", null, 0)]
    [InlineData("jwt", null, 0)]
    [InlineData("webhook", null, 1)]
    [InlineData("webhook", "abc", 0)]
    [InlineData("lit_signing_condition", null, 1)]
    public void Playback_policy_types_are_closed(string type, string? webhookId, int errorCount)
    {
        var errors = new List<string>();
        StreamRules.CheckPlaybackPolicy(new PlaybackPolicy { Type = type, WebhookId = webhookId }, errors);
        Assert.Equal(errorCount, errors.Count);
    }
}
