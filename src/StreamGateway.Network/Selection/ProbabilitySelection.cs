using System.Numerics;

namespace StreamGateway.Network.Selection;

/// <summary>
/// Stake-weighted probabilistic choice of an orchestrator (livepeer-protocol §2.4):
/// <c>P_i = w_price·priceProb_i + w_stake·stake_i/Σstake + w_rand·1/N</c> with
/// <c>priceProb_i = exp(-price_i/f) / Σ exp(-price_j/f)</c>, after dropping orchestrators above the price cap.
/// Pure: the caller supplies the random source, so tests can seed it.
/// </summary>
public static class ProbabilitySelection
{
    /// <param name="maxPricePerPixel">Price cap in wei per pixel; null accepts any price.</param>
    /// <param name="ignoreMaxPriceIfNeeded">When nobody is under the cap, consider everyone instead of no one.</param>
    public static IReadOnlyList<WeightedCandidate> Weigh(
        IReadOnlyList<Candidate> candidates, SelectionWeights weights, double? maxPricePerPixel = null, bool ignoreMaxPriceIfNeeded = false)
    {
        var pool = candidates;
        if (maxPricePerPixel is { } cap)
        {
            // An orchestrator that gave no price cannot be shown to be under the cap.
            var affordable = candidates.Where(c => c.PricePerPixel is { } p && p <= cap).ToList();
            pool = affordable.Count > 0 || !ignoreMaxPriceIfNeeded ? affordable : candidates;
        }
        if (pool.Count == 0)
        {
            return [];
        }

        var totalStake = pool.Aggregate(BigInteger.Zero, (sum, c) => sum + BigInteger.Max(c.Stake, BigInteger.Zero));
        var priceNorms = pool.Select(c => Math.Exp(-(c.PricePerPixel ?? 0) / weights.PriceExpFactor)).ToArray();
        var priceTotal = priceNorms.Sum();
        var result = new List<WeightedCandidate>(pool.Count);
        for (var i = 0; i < pool.Count; i++)
        {
            var stakeProb = totalStake.IsZero ? 1.0 : Share(BigInteger.Max(pool[i].Stake, BigInteger.Zero), totalStake);
            var priceProb = priceTotal == 0 ? 1.0 : priceNorms[i] / priceTotal;
            var p = weights.Price * priceProb + weights.Stake * stakeProb + weights.Random / pool.Count;
            result.Add(new WeightedCandidate(pool[i], p));
        }
        return result;
    }

    /// <summary>Draws one candidate in proportion to its probability; null when there is none.</summary>
    public static Candidate? Choose(IReadOnlyList<WeightedCandidate> weighted, Random random)
    {
        if (weighted.Count == 0)
        {
            return null;
        }
        var total = weighted.Sum(w => w.Probability);
        var r = random.NextDouble() * total;
        var cumulative = 0.0;
        foreach (var w in weighted)
        {
            cumulative += w.Probability;
            if (r < cumulative)
            {
                return w.Candidate;
            }
        }
        return weighted[^1].Candidate; // rounding left r at the very top
    }

    /// <summary>stake / total as a double without overflowing on 18-decimal token amounts.</summary>
    internal static double Share(BigInteger part, BigInteger total)
    {
        // Scale to 1e15 parts before converting, which keeps 15 significant digits for any magnitude.
        const long scale = 1_000_000_000_000_000;
        return (double)(part * scale / total) / scale;
    }
}
