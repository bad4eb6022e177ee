using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Core.Streams;

/// <summary>
/// Section <c>MediaLimits</c>: what a tenant may ask the transcoders for (the profiles of streams, recordings and
/// assets) and how large a source picture may be. Verification judges orchestrators by the renditions they return, so
/// a request no honest encoder can meet (400 bits/s for 720p of noisy video) is refused up front instead of being
/// blamed on the orchestrators. The fixed bounds (sides, frame-rate denominator, GOP, names) are constants of
/// <see cref="StreamRules"/>.
/// </summary>
public sealed class MediaLimitsOptions : IValidatableObject
{
    public const string Section = "MediaLimits";

    /// <summary>The largest picture a profile may ask for, in pixels (width × height); 3840×2160 by default.</summary>
    [Range(128L * 128, 8192L * 4320)]
    public long MaxProfilePixels { get; set; } = 3840L * 2160;

    /// <summary>The highest frame rate (fps / fpsDen) a profile may ask for.</summary>
    [Range(1, 240)]
    public int MaxProfileFps { get; set; } = 60;

    /// <summary>
    /// The bitrate floor of a profile, in bits per pixel per frame: a profile of W×H at F fps must ask for at least
    /// W × H × F × this (and at least <see cref="MinProfileBitrate"/>). 0.03 puts 240p30 at 92 kbit/s, 720p30 at
    /// 830 kbit/s and 1080p30 at 1.9 Mbit/s, about half of what H.264 ladders in practice use (Apple's HLS authoring
    /// ladder is 0.05–0.1), so it refuses only requests no encoder can meet.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MinBitsPerPixel { get; set; } = 0.03;

    /// <summary>No profile asks for less than this many bits per second, whatever its size.</summary>
    [Range(400, 1_000_000_000)]
    public int MinProfileBitrate { get; set; } = 50_000;

    /// <summary>No profile asks for more than this many bits per second.</summary>
    [Range(400, 1_000_000_000)]
    public int MaxProfileBitrate { get; set; } = 50_000_000;

    /// <summary>
    /// The largest source picture, in pixels: a live publish of a larger picture is ended with a stream issue, an
    /// upload of one fails. 4096×2160 (DCI 4K) by default.
    /// </summary>
    [Range(128L * 128, 16384L * 16384)]
    public long MaxSourcePixels { get; set; } = 4096L * 2160;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinProfileBitrate > MaxProfileBitrate)
        {
            yield return new ValidationResult($"{nameof(MinProfileBitrate)} must not be above {nameof(MaxProfileBitrate)}",
                [nameof(MinProfileBitrate), nameof(MaxProfileBitrate)]);
        }
    }
}
