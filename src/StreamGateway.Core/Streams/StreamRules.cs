using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Streams;

/// <summary>Validation and normalisation of stream input. Pure code: each method returns messages, never throws.</summary>
public static partial class StreamRules
{
    public const int MaxNameLength = 500;
    public const int MaxProfiles = 10;
    public const int MaxUserTagsChars = 2048;
    public const string SourceProfileName = "source";

    private static readonly string[] ProfileNames = ["H264Baseline", "H264Main", "H264High", "H264ConstrainedHigh"];
    private static readonly string[] LiveEncoders = ["H.264"];
    private static readonly string[] VodEncoders = ["H.264", "HEVC", "VP8", "VP9"];
    private static readonly string[] PolicyTypes = ["public", "jwt", "webhook"];

    /// <summary>Live defaults when a stream is created without profiles (studio-api §6.1).</summary>
    public static List<FfmpegProfile> DefaultProfiles() =>
    [
        new() { Name = "240p0", Width = 426, Height = 240, Bitrate = 250_000, Fps = 0, Profile = "H264ConstrainedHigh" },
        new() { Name = "360p0", Width = 640, Height = 360, Bitrate = 800_000, Fps = 0, Profile = "H264ConstrainedHigh" },
        new() { Name = "480p0", Width = 854, Height = 480, Bitrate = 1_600_000, Fps = 0, Profile = "H264ConstrainedHigh" },
        new() { Name = "720p0", Width = 1280, Height = 720, Bitrate = 3_000_000, Fps = 0, Profile = "H264ConstrainedHigh" },
    ];

    public static void CheckName(string? name, bool required, List<string> errors)
    {
        if (name is null)
        {
            if (required)
            {
                errors.Add("name: is required");
            }
            return;
        }
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add("name: must not be empty");
        }
        else if (name.Length > MaxNameLength)
        {
            errors.Add($"name: must be at most {MaxNameLength} characters");
        }
    }

    public static void CheckProfiles(List<FfmpegProfile> profiles, List<string> errors)
    {
        if (profiles.Count > MaxProfiles)
        {
            errors.Add($"profiles: at most {MaxProfiles} profiles are allowed");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < profiles.Count; i++)
        {
            var p = profiles[i];
            var at = $"profiles[{i}]";
            if (p is null)
            {
                errors.Add($"{at}: must be an object");
                continue;
            }
            if (string.IsNullOrEmpty(p.Name))
            {
                errors.Add($"{at}.name: is required");
            }
            else if (p.Name.Length > MaxNameLength)
            {
                errors.Add($"{at}.name: must be at most {MaxNameLength} characters");
            }
            else if (p.Name == SourceProfileName)
            {
                errors.Add($"{at}.name: \"{SourceProfileName}\" is reserved for the source rendition");
            }
            else if (!names.Add(p.Name))
            {
                errors.Add($"{at}.name: \"{p.Name}\" is used by more than one profile");
            }
            Require(p.Width, $"{at}.width", 128, errors);
            Require(p.Height, $"{at}.height", 128, errors);
            Require(p.Bitrate, $"{at}.bitrate", 400, errors);
            Require(p.Fps, $"{at}.fps", 0, errors);
            CheckOptional(p.FpsDen, p.Quality, p.Gop, p.Profile, p.Encoder, LiveEncoders, at, errors);
        }
    }

    public static void CheckRecordingSpec(RecordingSpec spec, List<string> errors) =>
        CheckTranscodeProfiles(spec.Profiles ?? [], "recordingSpec.profiles", errors);

    /// <summary>TranscodeProfiles (VOD and recordings): only the bitrate is required.</summary>
    public static void CheckTranscodeProfiles(List<FfmpegProfile> profiles, string path, List<string> errors)
    {
        for (var i = 0; i < profiles.Count; i++)
        {
            var p = profiles[i];
            var at = $"{path}[{i}]";
            if (p is null)
            {
                errors.Add($"{at}: must be an object");
                continue;
            }
            Require(p.Bitrate, $"{at}.bitrate", 400, errors);
            Minimum(p.Width, $"{at}.width", 128, errors);
            Minimum(p.Height, $"{at}.height", 128, errors);
            Minimum(p.Fps, $"{at}.fps", 0, errors);
            CheckOptional(p.FpsDen, p.Quality, p.Gop, p.Profile, p.Encoder, VodEncoders, at, errors);
        }
    }

    private static void CheckOptional(int? fpsDen, int? quality, string? gop, string? profile, string? encoder,
        string[] encoders, string at, List<string> errors)
    {
        Minimum(fpsDen, $"{at}.fpsDen", 1, errors);
        if (quality is < 0 or > 44)
        {
            errors.Add($"{at}.quality: must be between 0 and 44");
        }
        if (gop is not null && gop != "intra" &&
            (!double.TryParse(gop, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds < 0))
        {
            errors.Add($"{at}.gop: must be a number of seconds such as \"2.0\", or \"intra\"");
        }
        if (profile is not null && !ProfileNames.Contains(profile))
        {
            errors.Add($"{at}.profile: must be one of {string.Join(", ", ProfileNames)}");
        }
        if (encoder is not null && !encoders.Contains(encoder))
        {
            errors.Add($"{at}.encoder: must be one of {string.Join(", ", encoders)}");
        }
    }

    private static void Require(int? value, string at, int min, List<string> errors)
    {
        if (value is null)
        {
            errors.Add($"{at}: is required");
        }
        else
        {
            Minimum(value, at, min, errors);
        }
    }

    private static void Minimum(int? value, string at, int min, List<string> errors)
    {
        if (value < min)
        {
            errors.Add($"{at}: must be an integer >= {min}");
        }
    }

    /// <summary>userTags: an object whose values are strings, numbers, or arrays of those, at most 2048 chars serialised.</summary>
    public static void CheckUserTags(JsonElement tags, List<string> errors)
    {
        if (tags.ValueKind != JsonValueKind.Object)
        {
            errors.Add("userTags: must be an object");
            return;
        }
        foreach (var tag in tags.EnumerateObject())
        {
            var ok = tag.Value.ValueKind switch
            {
                JsonValueKind.String or JsonValueKind.Number => true,
                JsonValueKind.Array => tag.Value.EnumerateArray()
                    .All(v => v.ValueKind is JsonValueKind.String or JsonValueKind.Number),
                _ => false,
            };
            if (!ok)
            {
                errors.Add($"userTags.{tag.Name}: must be a string, a number, or an array of strings and numbers");
            }
        }
        if (tags.GetRawText().Length > MaxUserTagsChars)
        {
            errors.Add($"userTags: must be at most {MaxUserTagsChars} characters when serialised");
        }
    }

    /// <summary>A string creatorId becomes <c>{type:"unverified", value}</c>, as Studio stores it.</summary>
    public static JsonObject? NormaliseCreatorId(JsonElement creatorId, List<string> errors)
    {
        switch (creatorId.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return new JsonObject { ["type"] = "unverified", ["value"] = creatorId.GetString() };
            case JsonValueKind.Object
                when creatorId.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String &&
                     type.GetString() == "unverified" &&
                     creatorId.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String &&
                     creatorId.EnumerateObject().Count() == 2:
                return new JsonObject { ["type"] = "unverified", ["value"] = value.GetString() };
            default:
                errors.Add("creatorId: must be a string or {\"type\":\"unverified\",\"value\":string}");
                return null;
        }
    }

    /// <summary>Checks a playback policy's shape; whether a webhook policy's webhook exists is checked by the caller.</summary>
    public static void CheckPlaybackPolicy(PlaybackPolicy policy, List<string> errors)
    {
        if (policy.Type is null)
        {
            errors.Add("playbackPolicy.type: is required");
        }
        else if (!PolicyTypes.Contains(policy.Type))
        {
            errors.Add($"playbackPolicy.type: must be one of {string.Join(", ", PolicyTypes)}");
        }
        if (policy.Type == "webhook" && string.IsNullOrEmpty(policy.WebhookId))
        {
            errors.Add("playbackPolicy.webhookId: is required for a webhook policy");
        }
        if (policy.RefreshInterval is <= 0)
        {
            errors.Add("playbackPolicy.refreshInterval: must be a positive number of seconds");
        }
    }

    /// <summary>
    /// Checks multistream targets against the stream's profile names and gives inline specs an id.
    /// Errors for a target given neither or both of id/spec are 400s in Studio; they are returned apart.
    /// </summary>
    public static void CheckMultistream(MultistreamSpec spec, IReadOnlyCollection<string> profileNames,
        List<string> errors, List<string> badRequests)
    {
        var targets = spec.Targets ?? [];
        for (var i = 0; i < targets.Count; i++)
        {
            var t = targets[i];
            var at = $"multistream.targets[{i}]";
            if (t is null)
            {
                errors.Add($"{at}: must be an object");
                continue;
            }
            if (string.IsNullOrEmpty(t.Profile))
            {
                errors.Add($"{at}.profile: is required");
            }
            else if (t.Profile != SourceProfileName && !profileNames.Contains(t.Profile))
            {
                errors.Add($"{at}.profile: must be \"{SourceProfileName}\" or the name of one of the stream's profiles");
            }
            if ((t.Id is null) == (t.Spec is null))
            {
                badRequests.Add($"{at}: give exactly one of \"id\" or \"spec\"");
                continue;
            }
            if (t.Spec is not null && (t.Spec.Url is null || !TargetUrl().IsMatch(t.Spec.Url)))
            {
                errors.Add($"{at}.spec.url: must be an srt://, rtmp:// or rtmps:// URL");
            }
        }
    }

    /// <summary>Gives inline-spec targets a stable id; their URLs stay in storage and never reach a response.</summary>
    public static void AssignTargetIds(MultistreamSpec spec)
    {
        foreach (var t in spec.Targets ?? [])
        {
            t.VideoOnly ??= false;
            if (t.Spec is not null && t.Id is null)
            {
                t.Id = Guid.CreateVersion7().ToString();
            }
        }
    }

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, GatewayJson.Options);

    [GeneratedRegex("^(srt|rtmps?)://", RegexOptions.CultureInvariant)]
    private static partial Regex TargetUrl();
}
