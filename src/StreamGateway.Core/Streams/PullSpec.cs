using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace StreamGateway.Core.Streams;

/// <summary>
/// <c>pull</c> (studio-api §3.1): where the gateway ingests a stream from instead of waiting for a push. Headers go with
/// HTTP(S) sources and may carry credentials, so answers show only <see cref="Source"/> and <see cref="Location"/>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class PullSpec
{
    public string? Source { get; set; }
    public Dictionary<string, string>? Headers { get; set; }
    /// <summary>Studio's hint for mobile sources; kept, not used.</summary>
    public JsonElement? IsMobile { get; set; }
    public PullLocation? Location { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class PullLocation
{
    public double? Lat { get; set; }
    public double? Lon { get; set; }
}

/// <summary>What a pull source may be. Pure.</summary>
public static partial class PullRules
{
    public static readonly string[] Schemes = ["rtmp", "rtmps", "srt", "http", "https"];
    public const int MaxHeaders = 20;
    public const int MaxHeaderValue = 1024;

    public static void Check(PullSpec pull, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(pull.Source))
        {
            errors.Add("pull.source: is required");
        }
        else if (pull.Source.Length > TargetUrls.MaxLength || pull.Source.Any(char.IsControl) ||
                 !Uri.TryCreate(pull.Source, UriKind.Absolute, out var uri) || !Schemes.Contains(uri.Scheme) || uri.Host.Length == 0)
        {
            errors.Add("pull.source: must be an rtmp://, rtmps://, srt://, http:// or https:// URL with a host (an HLS playlist for HTTP)");
        }
        var headers = pull.Headers ?? [];
        if (headers.Count > MaxHeaders)
        {
            errors.Add($"pull.headers: at most {MaxHeaders}");
        }
        foreach (var (name, value) in headers.Take(MaxHeaders))
        {
            if (!HeaderName().IsMatch(name) || value is null || value.Length > MaxHeaderValue || value.Any(char.IsControl))
            {
                errors.Add($"pull.headers: \"{(name.Length > 40 ? name[..40] : name)}\" must be a header name with a value of at most {MaxHeaderValue} characters and no control characters");
            }
        }
        if (pull.Location is { } at && (at.Lat is not (>= -90 and <= 90) || at.Lon is not (>= -180 and <= 180)))
        {
            errors.Add("pull.location: lat must be within ±90 and lon within ±180");
        }
    }

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderName();
}
