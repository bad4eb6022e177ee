using System.Globalization;
using StreamGateway.Network.Wire;

namespace StreamGateway.Core.Transcoding;

/// <summary>go-B's price rules for a session (livepeer-protocol §2.4). Pure.</summary>
public static class PriceGuard
{
    /// <summary>go-B's priceIncreaseThreshold: a price may grow to twice the session's first price, not beyond.</summary>
    public const double MaxIncrease = 2.0;

    public static double PerPixel(PriceInfo? price) =>
        price is { PixelsPerUnit: > 0 } p ? (double)p.PricePerUnit / p.PixelsPerUnit : 0;

    /// <returns>Null when the price is acceptable, else why not.</returns>
    public static string? Problem(double firstPerPixel, double currentPerPixel, double? maxPerPixel)
    {
        if (maxPerPixel is { } max && currentPerPixel > max)
        {
            return string.Create(CultureInfo.InvariantCulture, $"price {currentPerPixel} wei/pixel is above the maximum {max}");
        }
        if (firstPerPixel > 0 && currentPerPixel > MaxIncrease * firstPerPixel)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"price rose from {firstPerPixel} to {currentPerPixel} wei/pixel in this session, more than twice");
        }
        return null;
    }
}
