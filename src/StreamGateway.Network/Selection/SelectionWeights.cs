using System.Globalization;

namespace StreamGateway.Network.Selection;

/// <summary>
/// How much stake, price and chance count when picking an orchestrator (livepeer-protocol §2.4). The defaults are
/// go-livepeer's: 0.7 stake, 0.3 random, 0 price, price factor 100. The three weights must sum to 1.
/// </summary>
public sealed record SelectionWeights(double Stake = 0.7, double Random = 0.3, double Price = 0.0, double PriceExpFactor = 100)
{
    public const double SumTolerance = 0.0001;

    public static SelectionWeights Default { get; } = new();

    /// <summary>Throws when the weights cannot form a probability (negative, or not summing to 1).</summary>
    public SelectionWeights Validated()
    {
        if (Stake < 0 || Random < 0 || Price < 0)
        {
            throw new ArgumentException("selection weights must not be negative");
        }
        if (Math.Abs(Stake + Random + Price - 1) > SumTolerance)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"selection weights must sum to 1 (stake {Stake} + random {Random} + price {Price} = {Stake + Random + Price})"));
        }
        if (PriceExpFactor <= 0)
        {
            throw new ArgumentException("the price exponent factor must be positive");
        }
        return this;
    }
}
