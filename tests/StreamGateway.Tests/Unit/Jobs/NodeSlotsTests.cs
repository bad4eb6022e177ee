using StreamGateway.Core.Jobs;

namespace StreamGateway.Tests.Unit.Jobs;

public sealed class NodeSlotsTests
{
    [Fact]
    public void A_kind_gets_up_to_its_limit_and_a_slot_given_back_can_be_taken_again()
    {
        var slots = new NodeSlots();
        Assert.True(slots.TryTake("import", 2));
        Assert.True(slots.TryTake("import", 2));
        Assert.False(slots.TryTake("import", 2));
        Assert.Equal(2, slots.Held("import"));

        // Kinds are counted apart: imports holding their share leave deliveries theirs.
        Assert.True(slots.TryTake("webhook", 1));
        Assert.False(slots.TryTake("webhook", 1));

        slots.Release("import");
        Assert.Equal(1, slots.Held("import"));
        Assert.True(slots.TryTake("import", 2));
        Assert.False(slots.TryTake("import", 2));
    }

    [Fact]
    public void Giving_back_a_slot_never_taken_is_a_bug_and_says_so()
    {
        var slots = new NodeSlots();
        Assert.True(slots.TryTake("import", 1));
        slots.Release("import");
        Assert.Throws<InvalidOperationException>(() => slots.Release("import"));
    }

    [Fact]
    public async Task Workers_racing_for_slots_never_hold_more_than_the_limit()
    {
        var slots = new NodeSlots();
        var holding = 0;
        var most = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                if (!slots.TryTake("webhook", 3))
                {
                    continue;
                }
                var now = Interlocked.Increment(ref holding);
                InterlockedMax(ref most, now);
                await Task.Yield();
                Interlocked.Decrement(ref holding);
                slots.Release("webhook");
            }
        })));
        Assert.InRange(most, 1, 3);
        Assert.Equal(0, slots.Held("webhook"));
    }

    [Theory]
    [InlineData(0.0, 2.5)]
    [InlineData(0.5, 5.0)]
    [InlineData(0.999, 7.495)]
    [InlineData(7.0, 7.5)] // a random number out of range is clamped
    public void A_job_that_found_no_slot_comes_back_after_a_spread_delay(double random, double seconds)
    {
        var options = new JobsOptions { BusyRetrySeconds = 5 };
        Assert.Equal(seconds, options.BusyDelay(random).TotalSeconds, 3);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
