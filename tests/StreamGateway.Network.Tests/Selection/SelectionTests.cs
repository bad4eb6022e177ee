using System.Numerics;
using StreamGateway.Network.Selection;

namespace StreamGateway.Network.Tests.Selection;

public sealed class SelectionTests
{
    private static readonly BigInteger Lpt = BigInteger.Pow(10, 18);

    private static Candidate O(string name, long stakeLpt, double? price = 0) => new(name, stakeLpt * Lpt, price);

    private static Dictionary<string, double> Probabilities(IReadOnlyList<WeightedCandidate> weighted) =>
        weighted.ToDictionary(w => w.Candidate.Address, w => w.Probability);

    [Fact]
    public void Default_weights_mix_stake_share_and_chance()
    {
        var p = Probabilities(ProbabilitySelection.Weigh([O("a", 50), O("b", 30), O("c", 20)], SelectionWeights.Default));
        // 0.7 × stake share + 0.3 × 1/3
        Assert.Equal(0.45, p["a"], 12);
        Assert.Equal(0.31, p["b"], 12);
        Assert.Equal(0.24, p["c"], 12);
        Assert.Equal(1.0, p.Values.Sum(), 12);
    }

    [Fact]
    public void Price_weight_favours_cheaper_orchestrators_exponentially()
    {
        var weights = new SelectionWeights(Stake: 0, Random: 0, Price: 1, PriceExpFactor: 100).Validated();
        var p = Probabilities(ProbabilitySelection.Weigh([O("cheap", 1, 0), O("dear", 1, 100)], weights));
        var e = Math.Exp(-1);
        Assert.Equal(1 / (1 + e), p["cheap"], 12);
        Assert.Equal(e / (1 + e), p["dear"], 12);
    }

    [Fact]
    public void Orchestrators_above_the_price_cap_or_without_a_price_are_dropped()
    {
        var candidates = new[] { O("a", 50, 1200), O("b", 30, 800), O("c", 20, null) };
        var weighted = ProbabilitySelection.Weigh(candidates, SelectionWeights.Default, maxPricePerPixel: 1000);
        Assert.Equal(["b"], weighted.Select(w => w.Candidate.Address));
        Assert.Equal(1.0, weighted[0].Probability, 12);

        Assert.Empty(ProbabilitySelection.Weigh(candidates, SelectionWeights.Default, maxPricePerPixel: 10));
        Assert.Equal(3, ProbabilitySelection.Weigh(candidates, SelectionWeights.Default, maxPricePerPixel: 10, ignoreMaxPriceIfNeeded: true).Count);
    }

    [Fact]
    public void Without_any_stake_the_stake_term_counts_fully_for_everyone_as_go_livepeer_does()
    {
        var p = Probabilities(ProbabilitySelection.Weigh([O("a", 0), O("b", 0)], SelectionWeights.Default));
        Assert.Equal(0.85, p["a"], 12);
        Assert.Equal(0.85, p["b"], 12);
        // The draw normalises, so each still gets half.
        var random = new Random(7);
        var weighted = ProbabilitySelection.Weigh([O("a", 0), O("b", 0)], SelectionWeights.Default);
        var a = Enumerable.Range(0, 10_000).Count(_ => ProbabilitySelection.Choose(weighted, random)!.Address == "a");
        Assert.InRange(a, 4_800, 5_200);
    }

    [Fact]
    public void Stake_shares_stay_exact_for_huge_token_amounts()
    {
        var whale = new Candidate("w", BigInteger.Pow(10, 30) * 3, 0);
        var minnow = new Candidate("m", BigInteger.Pow(10, 30), 0);
        Assert.Equal(0.75, ProbabilitySelection.Share(whale.Stake, whale.Stake + minnow.Stake), 15);
    }

    [Theory]
    [InlineData(0.7, 0.3, 0.0, true)]
    [InlineData(0.5, 0.5, 0.00005, true)]
    [InlineData(0.7, 0.3, 0.1, false)]
    [InlineData(1.2, -0.2, 0.0, false)]
    public void Weights_must_form_a_probability(double stake, double random, double price, bool valid)
    {
        var weights = new SelectionWeights(stake, random, price);
        if (valid)
        {
            Assert.Same(weights, weights.Validated());
        }
        else
        {
            Assert.Throws<ArgumentException>(() => weights.Validated());
        }
    }

    [Fact]
    public void A_seeded_random_source_makes_choices_repeatable()
    {
        var weighted = ProbabilitySelection.Weigh([O("a", 50), O("b", 30), O("c", 20)], SelectionWeights.Default);
        string Run(int seed)
        {
            var random = new Random(seed);
            return string.Concat(Enumerable.Range(0, 40).Select(_ => ProbabilitySelection.Choose(weighted, random)!.Address));
        }
        Assert.Equal(Run(42), Run(42));
        Assert.NotEqual(Run(42), Run(43));
        Assert.Null(ProbabilitySelection.Choose([], new Random(1)));
    }

    [Fact]
    public void Frequencies_over_100000_draws_match_the_probabilities()
    {
        // Each frequency's standard error is at most sqrt(0.25 / 100000) ≈ 0.0016; the stated tolerance of 0.008
        // is five standard errors, so a correct implementation fails this about once in a million runs.
        const int draws = 100_000;
        const double tolerance = 0.008;
        var candidates = new[] { O("a", 50, 300), O("b", 30, 100), O("c", 20, 900), O("d", 0, 50) };
        var weights = new SelectionWeights(Stake: 0.6, Random: 0.25, Price: 0.15).Validated();
        var weighted = ProbabilitySelection.Weigh(candidates, weights);
        var random = new Random(20261126);
        var counts = candidates.ToDictionary(c => c.Address, _ => 0);
        for (var i = 0; i < draws; i++)
        {
            counts[ProbabilitySelection.Choose(weighted, random)!.Address]++;
        }
        foreach (var w in weighted)
        {
            Assert.InRange(counts[w.Candidate.Address] / (double)draws, w.Probability - tolerance, w.Probability + tolerance);
        }
        Assert.True(counts["d"] > 0, "a zero-stake orchestrator still gets its random share");
    }
}

public sealed class SuspensionAndTimingTests
{
    [Fact]
    public void A_suspended_orchestrator_returns_after_its_penalty_in_refresh_rounds()
    {
        var s = new Suspensions();
        s.Suspend("o1", poolSize: 3, wanted: 3); // penalty 1
        Assert.True(s.IsSuspended("o1"));
        Assert.False(s.IsSuspended("o2"));
        s.NextRound();
        Assert.True(s.IsSuspended("o1"));
        s.NextRound();
        Assert.False(s.IsSuspended("o1"));
    }

    [Fact]
    public void Failures_in_later_rounds_add_up_and_a_bigger_pool_means_longer_penalties()
    {
        var s = new Suspensions();
        s.Suspend("o1", poolSize: 8, wanted: 2); // ceil(8/2) = 4
        Assert.Equal(5, s.Penalty("o1"));
        s.NextRound();
        s.Suspend("o1", poolSize: 8, wanted: 2);
        Assert.Equal(8, s.Penalty("o1"));
        for (var i = 0; i < 8; i++)
        {
            s.NextRound();
        }
        Assert.False(s.IsSuspended("o1"));
    }

    [Fact]
    public void Failures_within_one_round_count_once()
    {
        var s = new Suspensions();
        s.Suspend("o1", poolSize: 1, wanted: 1);
        s.Suspend("o1", poolSize: 1, wanted: 1);
        s.Suspend("o1", poolSize: 1, wanted: 1);
        Assert.Equal(2, s.Penalty("o1"));
        s.NextRound();
        s.NextRound();
        Assert.False(s.IsSuspended("o1"));
    }

    [Theory]
    [InlineData(2.0, 8.0, 2.0)]
    [InlineData(4.0, 16.0, 2.0)]
    [InlineData(1.0, 8.0, 2.0)]
    [InlineData(6.0, 24.0, 3.0)]
    public void Deadlines_follow_the_broadcaster_rules(double segment, double deadline, double upload)
    {
        var d = TimeSpan.FromSeconds(segment);
        Assert.Equal(TimeSpan.FromSeconds(deadline), SegmentTiming.SegmentDeadline(d));
        Assert.Equal(TimeSpan.FromSeconds(upload), SegmentTiming.UploadDeadline(d));
    }

    [Fact]
    public void Latency_score_and_reuse_of_the_last_orchestrator()
    {
        var two = TimeSpan.FromSeconds(2);
        Assert.Equal(0.5, SegmentTiming.LatencyScore(TimeSpan.FromSeconds(1), two), 12);
        Assert.Equal(0.5, SegmentTiming.LatencyScore(TimeSpan.FromSeconds(0.75), TimeSpan.FromSeconds(1)), 12); // 1.5 s floor

        Assert.True(SegmentTiming.Reuse(0.6, null, two));
        Assert.False(SegmentTiming.Reuse(1.4, null, two));
        Assert.False(SegmentTiming.Reuse(null, null, two));
        Assert.True(SegmentTiming.Reuse(3.0, TimeSpan.FromSeconds(1.9), two));
        Assert.False(SegmentTiming.Reuse(0.5, TimeSpan.FromSeconds(2.1), two));
        Assert.True(SegmentTiming.Reuse(0.5, TimeSpan.FromSeconds(2.1), two, durationMultiple: 2));
    }
}
