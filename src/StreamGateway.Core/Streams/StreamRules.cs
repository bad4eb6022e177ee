using System.Globalization;
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
    /// <summary>Profile sides: Studio's minimum, and a maximum that keeps boxes sane whatever the pixel limit allows.</summary>
    public const int MinProfileSide = 128;
    public const int MaxProfileSide = 4096;
    /// <summary>Enough for NTSC rates (30000/1001); a larger denominator only hides an absurd rate.</summary>
    public const int MaxFpsDen = 1001;
    /// <summary>A GOP shorter than this is nearly intra-only (see <see cref="IntraFloorFactor"/>); a longer one than this
    /// outlasts any segment.</summary>
    public const double MinGopSeconds = 0.5;
    public const double MaxGopSeconds = 20;
    /// <summary>An intra-only profile codes every frame as a keyframe, which takes several times the bits; its floor is this
    /// many times the usual one.</summary>
    public const int IntraFloorFactor = 4;
    /// <summary>fps 0 keeps the source's rate, unknown when a profile is checked; its bitrate floor counts it as this.</summary>
    public const int AssumedSourceFps = 30;
    /// <summary>Names are path segments of playlist and segment URLs.</summary>
    public const int MaxProfileNameLength = 64;
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

    /// <summary>Live profiles: name, size and bitrate are required.</summary>
    public static void CheckProfiles(List<FfmpegProfile> profiles, MediaLimitsOptions limits, List<string> errors) =>
        CheckProfiles(profiles, "profiles", live: true, limits, errors);

    public static void CheckRecordingSpec(RecordingSpec spec, MediaLimitsOptions limits, List<string> errors) =>
        CheckTranscodeProfiles(spec.Profiles ?? [], "recordingSpec.profiles", limits, errors);

    /// <summary>TranscodeProfiles (VOD and recordings): only the bitrate is required; a missing size is the source's.</summary>
    public static void CheckTranscodeProfiles(List<FfmpegProfile> profiles, string path, MediaLimitsOptions limits, List<string> errors) =>
        CheckProfiles(profiles, path, live: false, limits, errors);

    /// <summary>
    /// Whether a rendition of this size and frame rate may ask for this bitrate (<see cref="MediaLimitsOptions.MinBitsPerPixel"/>);
    /// null when it may, else the message naming <paramref name="at"/>.
    /// </summary>
    public static string? CheckBitrateFloor(int bitrate, int width, int height, double fps, bool intra, string at, MediaLimitsOptions limits)
    {
        var floor = Math.Max(limits.MinProfileBitrate,
            (long)Math.Ceiling(limits.MinBitsPerPixel * width * height * fps * (intra ? IntraFloorFactor : 1)));
        return bitrate >= floor ? null : string.Create(CultureInfo.InvariantCulture,
            $"{at}.bitrate: {width}x{height} at {fps:0.##} fps{(intra ? " intra-only" : "")} needs at least {floor} bits/s " +
            $"({limits.MinBitsPerPixel:0.###} bits per pixel per frame{(intra ? $", ×{IntraFloorFactor} for intra-only" : "")}, " +
            $"and never under {limits.MinProfileBitrate})");
    }

    /// <summary>Null when a source picture of this size may be transcoded, else why not.</summary>
    public static string? CheckSourceSize(int width, int height, MediaLimitsOptions limits) =>
        (long)width * height <= limits.MaxSourcePixels ? null : string.Create(CultureInfo.InvariantCulture,
            $"the video is {width}x{height} ({(long)width * height} pixels); sources of at most {limits.MaxSourcePixels} pixels are accepted");

    private static void CheckProfiles(List<FfmpegProfile> profiles, string path, bool live, MediaLimitsOptions limits, List<string> errors)
    {
        if (profiles.Count > MaxProfiles)
        {
            errors.Add($"{path}: at most {MaxProfiles} profiles are allowed");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < profiles.Count; i++)
        {
            var p = profiles[i];
            var at = $"{path}[{i}]";
            if (p is null)
            {
                errors.Add($"{at}: must be an object");
                continue;
            }
            CheckProfileName(p.Name, required: live, at, names, errors);
            if (live)
            {
                Require(p.Width, $"{at}.width", errors);
                Require(p.Height, $"{at}.height", errors);
                Require(p.Fps, $"{at}.fps", errors);
            }
            Require(p.Bitrate, $"{at}.bitrate", errors);
            CheckSize(p.Width, p.Height, at, limits, errors);
            var fps = CheckFrameRate(p.Fps, p.FpsDen, at, limits, errors);
            var intra = CheckGop(p.Gop, at, errors);
            CheckBitrate(p, fps, intra, at, limits, errors);
            if (p.Quality is < 0 or > 44)
            {
                errors.Add($"{at}.quality: must be between 0 and 44");
            }
            if (p.Profile is not null && !ProfileNames.Contains(p.Profile))
            {
                errors.Add($"{at}.profile: must be one of {string.Join(", ", ProfileNames)}");
            }
            var encoders = live ? LiveEncoders : VodEncoders;
            if (p.Encoder is not null && !encoders.Contains(p.Encoder))
            {
                errors.Add($"{at}.encoder: must be one of {string.Join(", ", encoders)}");
            }
        }
    }

    /// <summary>A profile's name is a path segment of its playlist and segment URLs (see <see cref="IsRenditionName"/>).</summary>
    private static void CheckProfileName(string? name, bool required, string at, HashSet<string> names, List<string> errors)
    {
        if (string.IsNullOrEmpty(name))
        {
            if (required)
            {
                errors.Add($"{at}.name: is required");
            }
        }
        else if (!IsRenditionName(name))
        {
            errors.Add($"{at}.name: must be 1 to {MaxProfileNameLength} letters, digits, '_' or '-'");
        }
        else if (name == SourceProfileName)
        {
            errors.Add($"{at}.name: \"{SourceProfileName}\" is reserved for the source rendition");
        }
        else if (!names.Add(name))
        {
            errors.Add($"{at}.name: \"{name}\" is used by more than one profile");
        }
    }

    private static void CheckSize(int? width, int? height, string at, MediaLimitsOptions limits, List<string> errors)
    {
        var sizeOk = true;
        foreach (var (value, field) in new[] { (width, "width"), (height, "height") })
        {
            if (value is < MinProfileSide or > MaxProfileSide)
            {
                errors.Add($"{at}.{field}: must be an integer from {MinProfileSide} to {MaxProfileSide}");
                sizeOk = false;
            }
        }
        if (sizeOk && width is { } w && height is { } h && CheckProfilePixels(w, h, at, limits) is { } large)
        {
            errors.Add(large);
        }
    }

    /// <summary>Null when a rendition of this size is within <see cref="MediaLimitsOptions.MaxProfilePixels"/>, else the message.</summary>
    public static string? CheckProfilePixels(int width, int height, string at, MediaLimitsOptions limits) =>
        (long)width * height <= limits.MaxProfilePixels ? null : string.Create(CultureInfo.InvariantCulture,
            $"{at}: {width}x{height} is {(long)width * height} pixels; a profile may have at most {limits.MaxProfilePixels}");

    /// <summary>The frame rate the bitrate floor counts with: the asked one, or <see cref="AssumedSourceFps"/> for the source's.</summary>
    private static double CheckFrameRate(int? fps, int? fpsDen, string at, MediaLimitsOptions limits, List<string> errors)
    {
        if (fpsDen is < 1 or > MaxFpsDen)
        {
            errors.Add($"{at}.fpsDen: must be an integer from 1 to {MaxFpsDen}");
            return AssumedSourceFps;
        }
        if (fps is not { } f || f == 0)
        {
            return AssumedSourceFps;
        }
        var rate = (double)f / (fpsDen ?? 1);
        if (f < 0 || rate < 1 || rate > limits.MaxProfileFps)
        {
            errors.Add($"{at}.fps: must be 0 (the source's rate) or a rate (fps / fpsDen) from 1 to {limits.MaxProfileFps} frames per second");
            return AssumedSourceFps;
        }
        return rate;
    }

    /// <summary>Studio's gop: seconds as a string ("2.0"), or "intra". Returns whether it asks for intra-only coding.</summary>
    private static bool CheckGop(string? gop, string at, List<string> errors)
    {
        if (gop is null)
        {
            return false;
        }
        if (gop == "intra")
        {
            return true;
        }
        if (!double.TryParse(gop, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ||
            seconds != 0 && seconds is < MinGopSeconds or > MaxGopSeconds)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture,
                $"{at}.gop: must be \"intra\", \"0\" (the encoder's default) or a number of seconds from {MinGopSeconds} to {MaxGopSeconds} such as \"2.0\""));
        }
        return false;
    }

    private static void CheckBitrate(FfmpegProfile p, double fps, bool intra, string at, MediaLimitsOptions limits, List<string> errors)
    {
        if (p.Bitrate is not { } bitrate)
        {
            return;
        }
        if (bitrate > limits.MaxProfileBitrate)
        {
            errors.Add($"{at}.bitrate: must be at most {limits.MaxProfileBitrate} bits/s");
        }
        else if (p.Width is { } w and >= MinProfileSide and <= MaxProfileSide && p.Height is { } h and >= MinProfileSide and <= MaxProfileSide)
        {
            if (CheckBitrateFloor(bitrate, w, h, fps, intra, at, limits) is { } low)
            {
                errors.Add(low);
            }
        }
        else if (bitrate < limits.MinProfileBitrate)
        {
            // The size is the source's (checked once it is known) or already refused above.
            errors.Add($"{at}.bitrate: must be at least {limits.MinProfileBitrate} bits/s");
        }
    }

    private static void Require(int? value, string at, List<string> errors)
    {
        if (value is null)
        {
            errors.Add($"{at}: is required");
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
        if (policy.AllowedOrigins is { } origins)
        {
            if (origins.Count > Accounts.CorsKeyRules.MaxOrigins)
            {
                errors.Add($"playbackPolicy.allowedOrigins: at most {Accounts.CorsKeyRules.MaxOrigins} origins");
            }
            errors.AddRange(origins.Where(o => !Accounts.CorsKeyRules.IsOrigin(o)).Take(5)
                .Select(o => $"playbackPolicy.allowedOrigins: {(o is { Length: > 60 } ? o[..60] + "…" : o)} is not an origin (scheme://host[:port], or *)"));
        }
    }

    /// <summary>
    /// Checks multistream targets against the stream's profile names (their URLs and ids: <see cref="MultistreamTargets.ResolveAsync"/>).
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
        }
    }

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, GatewayJson.Options);

    /// <summary>Whether a name can be a rendition's path segment: "source" or a profile's name.</summary>
    public static bool IsRenditionName(string name) => RenditionName().IsMatch(name);

    [GeneratedRegex("^[0-9A-Za-z_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex RenditionName();
}
