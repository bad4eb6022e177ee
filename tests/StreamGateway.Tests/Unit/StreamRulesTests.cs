using System.Text.Json;
using StreamGateway.Core.Streams;

namespace StreamGateway.Tests.Unit;

public sealed class StreamRulesTests
{
    private static readonly MediaLimitsOptions Limits = new();

    private static FfmpegProfile Profile(string name = "p", int? width = 640, int? height = 360, int? bitrate = 600_000, int? fps = 30,
        int? fpsDen = null, string? gop = null) =>
        new() { Name = name, Width = width, Height = height, Bitrate = bitrate, Fps = fps, FpsDen = fpsDen, Gop = gop };

    private static List<string> Check(params FfmpegProfile[] profiles)
    {
        var errors = new List<string>();
        StreamRules.CheckProfiles([.. profiles], Limits, errors);
        return errors;
    }

    [Fact]
    public void Default_profiles_are_studios_live_ladder()
    {
        var defaults = StreamRules.DefaultProfiles();
        Assert.Equal(["240p0", "360p0", "480p0", "720p0"], defaults.Select(p => p.Name));
        Assert.Equal([(426, 240, 250_000), (640, 360, 800_000), (854, 480, 1_600_000), (1280, 720, 3_000_000)],
            defaults.Select(p => (p.Width!.Value, p.Height!.Value, p.Bitrate!.Value)));
        Assert.All(defaults, p => Assert.Equal(0, p.Fps));
        Assert.Empty(Check([.. defaults]));
    }

    public static TheoryData<FfmpegProfile, string> BadProfiles => new()
    {
        { Profile(width: 127), "profiles[0].width: must be an integer from 128 to 4096" },
        { Profile(height: null), "profiles[0].height: is required" },
        { Profile(fps: -1), "profiles[0].fps: must be 0 (the source's rate) or a rate (fps / fpsDen) from 1 to 60 frames per second" },
        { Profile(name: ""), "profiles[0].name: is required" },
        { Profile(name: "source"), "profiles[0].name: \"source\" is reserved for the source rendition" },
        { new FfmpegProfile { Name = "q", Width = 640, Height = 360, Bitrate = 500_000, Fps = 0, Quality = 45 }, "profiles[0].quality: must be between 0 and 44" },
        { new FfmpegProfile { Name = "g", Width = 640, Height = 360, Bitrate = 500_000, Fps = 0, Gop = "often" }, GopError },
        { new FfmpegProfile { Name = "e", Width = 640, Height = 360, Bitrate = 500_000, Fps = 0, Encoder = "VP9" }, "profiles[0].encoder: must be one of H.264" },
    };

    private const string GopError = "profiles[0].gop: must be \"intra\", \"0\" (the encoder's default) or a number of seconds from 0.5 to 20 such as \"2.0\"";

    [Theory]
    [MemberData(nameof(BadProfiles))]
    public void Bad_profiles_are_named_in_the_error(FfmpegProfile profile, string expected) => Assert.Contains(expected, Check(profile));

    [Fact]
    public void Duplicate_profile_names_are_rejected() =>
        Assert.Equal(["profiles[1].name: \"a\" is used by more than one profile"], Check(Profile("a"), Profile("a")));

    /// <summary>Each bound a tenant's profile meets, so that verification never judges orchestrators on a request no encoder can meet.</summary>
    public static TheoryData<FfmpegProfile, string> OutOfBounds => new()
    {
        // 400 bits/s was accepted, and noisy video at that rate fails the deep check on every honest orchestrator.
        { Profile(width: 1280, height: 720, bitrate: 400, fps: 0),
            "profiles[0].bitrate: 1280x720 at 30 fps needs at least 829440 bits/s (0.03 bits per pixel per frame, and never under 50000)" },
        { Profile(width: 426, height: 240, bitrate: 90_000, fps: 30),
            "profiles[0].bitrate: 426x240 at 30 fps needs at least 92016 bits/s (0.03 bits per pixel per frame, and never under 50000)" },
        { Profile(width: 128, height: 128, bitrate: 20_000, fps: 30),
            "profiles[0].bitrate: 128x128 at 30 fps needs at least 50000 bits/s (0.03 bits per pixel per frame, and never under 50000)" },
        { Profile(width: 640, height: 360, bitrate: 600_000, fps: 0, gop: "intra"),
            "profiles[0].bitrate: 640x360 at 30 fps intra-only needs at least 829440 bits/s (0.03 bits per pixel per frame, ×4 for intra-only, and never under 50000)" },
        { Profile(bitrate: 50_000_001), "profiles[0].bitrate: must be at most 50000000 bits/s" },
        { Profile(width: 4098, height: 360), "profiles[0].width: must be an integer from 128 to 4096" },
        { Profile(width: 640, height: 100), "profiles[0].height: must be an integer from 128 to 4096" },
        { Profile(width: 4096, height: 2304, bitrate: 40_000_000), "profiles[0]: 4096x2304 is 9437184 pixels; a profile may have at most 8294400" },
        { Profile(fps: 61), "profiles[0].fps: must be 0 (the source's rate) or a rate (fps / fpsDen) from 1 to 60 frames per second" },
        { Profile(fps: 1, fpsDen: 2), "profiles[0].fps: must be 0 (the source's rate) or a rate (fps / fpsDen) from 1 to 60 frames per second" },
        { Profile(fps: 30_000, fpsDen: 1002), "profiles[0].fpsDen: must be an integer from 1 to 1001" },
        { Profile(gop: "0.1"), GopError },
        { Profile(gop: "21"), GopError },
        { Profile(name: "my rung"), "profiles[0].name: must be 1 to 64 letters, digits, '_' or '-'" },
        { Profile(name: "../x"), "profiles[0].name: must be 1 to 64 letters, digits, '_' or '-'" },
        { Profile(name: new string('a', 65)), "profiles[0].name: must be 1 to 64 letters, digits, '_' or '-'" },
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public void Profiles_out_of_bounds_are_refused_naming_the_field_and_the_bound(FfmpegProfile profile, string expected) =>
        Assert.Equal([expected], Check(profile));

    public static TheoryData<FfmpegProfile> WithinBounds => new()
    {
        Profile(width: 426, height: 240, bitrate: 100_000, fps: 30),
        Profile(width: 1920, height: 1080, bitrate: 4_000_000, fps: 60),
        Profile(width: 3840, height: 2160, bitrate: 20_000_000, fps: 30_000, fpsDen: 1001),
        Profile(width: 2160, height: 3840, bitrate: 20_000_000, fps: 0),
        Profile(width: 1280, height: 720, bitrate: 4_000_000, fps: 0, gop: "intra"),
        Profile(gop: "0"),
        Profile(gop: "2.0"),
        Profile(name: new string('a', 64)),
    };

    [Theory]
    [MemberData(nameof(WithinBounds))]
    public void Profiles_real_encoders_use_are_accepted(FfmpegProfile profile) => Assert.Empty(Check(profile));

    [Fact]
    public void At_most_ten_profiles_anywhere()
    {
        var eleven = Enumerable.Range(0, 11).Select(i => Profile($"p{i}")).ToArray();
        Assert.Equal(["profiles: at most 10 profiles are allowed"], Check(eleven));
        var errors = new List<string>();
        StreamRules.CheckTranscodeProfiles([.. eleven], "profiles", Limits, errors);
        Assert.Equal(["profiles: at most 10 profiles are allowed"], errors);
    }

    [Fact]
    public void Asset_and_recording_profiles_meet_the_same_bounds_with_the_size_left_to_the_source()
    {
        var errors = new List<string>();
        StreamRules.CheckTranscodeProfiles(
            [new() { Bitrate = 400 }, new() { Bitrate = 1_000_000 }, new() { Name = "a b", Width = 1280, Height = 720, Bitrate = 400 }], "profiles", Limits, errors);
        Assert.Equal([
            "profiles[0].bitrate: must be at least 50000 bits/s",
            "profiles[2].name: must be 1 to 64 letters, digits, '_' or '-'",
            "profiles[2].bitrate: 1280x720 at 30 fps needs at least 829440 bits/s (0.03 bits per pixel per frame, and never under 50000)",
        ], errors);

        errors.Clear();
        StreamRules.CheckRecordingSpec(new RecordingSpec { Profiles = [Profile(bitrate: 400)] }, Limits, errors);
        Assert.Equal(["recordingSpec.profiles[0].bitrate: 640x360 at 30 fps needs at least 207360 bits/s (0.03 bits per pixel per frame, and never under 50000)"], errors);
    }

    [Fact]
    public void The_floor_follows_the_options()
    {
        var errors = new List<string>();
        StreamRules.CheckProfiles([Profile(bitrate: 100_000)], new MediaLimitsOptions { MinBitsPerPixel = 0.01, MinProfileBitrate = 400 }, errors);
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData(3840, 2160, null)]
    [InlineData(4096, 2160, null)]
    [InlineData(4160, 2160, "the video is 4160x2160 (8985600 pixels); sources of at most 8847360 pixels are accepted")]
    [InlineData(7680, 4320, "the video is 7680x4320 (33177600 pixels); sources of at most 8847360 pixels are accepted")]
    public void Sources_larger_than_the_limit_are_refused(int width, int height, string? expected) =>
        Assert.Equal(expected, StreamRules.CheckSourceSize(width, height, Limits));

    [Fact]
    public void Media_limits_refuse_a_floor_above_the_ceiling()
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        var bad = new MediaLimitsOptions { MinProfileBitrate = 2_000_000, MaxProfileBitrate = 1_000_000 };
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(bad, new(bad), results, validateAllProperties: true));
        Assert.True(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(Limits, new(Limits), results, validateAllProperties: true));
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
        Assert.Equal(["multistream.targets[1].profile: must be \"source\" or the name of one of the stream's profiles"], errors);
        Assert.Equal(["multistream.targets[2]: give exactly one of \"id\" or \"spec\""], badRequests);
    }

    [Theory]
    [InlineData("rtmp://live.example.com/app/key", null)]
    [InlineData("rtmps://live.example.com:443/app/key", null)]
    [InlineData("srt://127.0.0.1:9000?streamid=x", null)]
    [InlineData("http://a/b", "must be an srt://, rtmp:// or rtmps:// URL with a host")]
    [InlineData("rtmp://", "must be an srt://, rtmp:// or rtmps:// URL with a host")]
    [InlineData("", "is required")]
    public void Target_urls_are_rtmp_rtmps_or_srt_with_a_host(string url, string? problem) =>
        Assert.Equal(problem, TargetUrls.Problem(url));

    [Theory]
    [InlineData("rtmp://127.0.0.1/live/x", false)]
    [InlineData("srt://10.1.2.3:9000", false)]
    [InlineData("rtmp://[::1]:1935/live/x", false)]
    [InlineData("rtmp://169.254.169.254/latest", false)]
    [InlineData("rtmps://8.8.8.8/live/x", true)]
    public async Task Only_public_addresses_are_public(string url, bool isPublic) =>
        Assert.Equal(isPublic, await TargetUrls.IsPublicAsync(url, CancellationToken.None));

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
