using System.Globalization;
using System.Numerics;

namespace StreamGateway.Cli;

/// <summary>Amounts as people type and read them: LPT and ETH with up to 18 decimals, or whole wei with a "wei" suffix.</summary>
public static class Tokens
{
    private static readonly BigInteger One = BigInteger.Pow(10, 18);

    /// <summary>"100", "0.5" (in whole tokens) or "123wei"; null when it is not an amount.</summary>
    public static BigInteger? Parse(string text)
    {
        text = text.Trim();
        if (text.EndsWith("wei", StringComparison.OrdinalIgnoreCase))
        {
            return BigInteger.TryParse(text[..^3], NumberStyles.None, CultureInfo.InvariantCulture, out var wei) ? wei : null;
        }
        var parts = text.Split('.');
        if (parts.Length > 2 || parts[0].Length == 0 && (parts.Length == 1 || parts[1].Length == 0))
        {
            return null;
        }
        var fraction = parts.Length == 2 ? parts[1] : "";
        if (fraction.Length > 18 || !BigInteger.TryParse(parts[0].Length == 0 ? "0" : parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var whole) ||
            (fraction.Length > 0 && !fraction.All(char.IsAsciiDigit)))
        {
            return null;
        }
        return whole * One + (fraction.Length == 0 ? 0 : BigInteger.Parse(fraction.PadRight(18, '0'), CultureInfo.InvariantCulture));
    }

    /// <summary>Whole tokens with the decimals that are not zero: 1500000000000000000 → "1.5".</summary>
    public static string Format(BigInteger wei)
    {
        var sign = wei.Sign < 0 ? "-" : "";
        wei = BigInteger.Abs(wei);
        var fraction = (wei % One).ToString(CultureInfo.InvariantCulture).PadLeft(18, '0').TrimEnd('0');
        return sign + (wei / One).ToString(CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "");
    }

    /// <summary>A percentage ("10", "12.5") as a share over 1,000,000; null outside 0–100 or with more than 4 decimals.</summary>
    public static int? Percent(string text)
    {
        if (!decimal.TryParse(text.TrimEnd('%'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ||
            value < 0 || value > 100 || decimal.Round(value, 4) != value)
        {
            return null;
        }
        return (int)(value * 10_000);
    }
}
