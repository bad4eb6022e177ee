using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Jobs;

namespace StreamGateway.Tests.Integration;

/// <summary>The per-project slots of slow jobs, against the suite's Redis.</summary>
public sealed class JobSlotsTests
{
    [Fact]
    public async Task A_project_holds_at_most_its_slots_across_nodes_and_a_dead_nodes_slots_lapse()
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("SG_REDIS_URL")!.Trim('\''));
        // Two nodes: each counts its own workers, and they share the project's count in Redis.
        var options = Options.Create(new JobsOptions { SlotLeaseSeconds = 3 }); // renewed every second
        var node1 = new JobSlots(redis, options, TimeProvider.System);
        var node2 = new JobSlots(redis, options, TimeProvider.System);
        var limits = new SlotLimits("import", PerProject: 2, PerNode: 10);
        var project = Guid.NewGuid();

        var first = await node1.TryTakeAsync(limits, project);
        var second = await node2.TryTakeAsync(limits, project);
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(await node1.TryTakeAsync(limits, project));
        Assert.Null(await node2.TryTakeAsync(limits, project));
        // Another project, or another kind of job, is not held back by this one.
        var other = await node1.TryTakeAsync(limits, Guid.NewGuid());
        Assert.NotNull(other);
        var delivery = await node1.TryTakeAsync(limits with { Kind = "webhook" }, project);
        Assert.NotNull(delivery);

        // Renewed by their holders, the slots outlive their lease.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Null(await node2.TryTakeAsync(limits, project));

        // A slot given back is free at once.
        await first.DisposeAsync();
        var third = await node2.TryTakeAsync(limits, project);
        Assert.NotNull(third);

        // A node that dies renews nothing: its slot lapses after the lease, and the project gets it back.
        await second.DisposeAsync();
        await third.DisposeAsync();
        var crashed = Guid.NewGuid();
        var key = $"sg:slots:import:{crashed:N}";
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await redis.GetDatabase().SortedSetAddAsync(key, [new SortedSetEntry("dead 1", now + 2000), new SortedSetEntry("dead 2", now + 2000)]);
        Assert.Null(await node1.TryTakeAsync(limits, crashed));
        await Task.Delay(TimeSpan.FromMilliseconds(2500));
        var back = await node1.TryTakeAsync(limits, crashed);
        Assert.NotNull(back);
        await back.DisposeAsync();
        await other.DisposeAsync();
        await delivery.DisposeAsync();
    }

    [Fact]
    public async Task A_node_runs_at_most_its_share_whatever_the_projects()
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("SG_REDIS_URL")!.Trim('\''));
        var node = new JobSlots(redis, Options.Create(new JobsOptions()), TimeProvider.System);
        var limits = new SlotLimits("webhook", PerProject: 4, PerNode: 2);
        var a = await node.TryTakeAsync(limits, Guid.NewGuid());
        var b = await node.TryTakeAsync(limits, Guid.NewGuid());
        Assert.NotNull(a);
        Assert.NotNull(b);
        var project = Guid.NewGuid();
        Assert.Null(await node.TryTakeAsync(limits, project));
        // Refused by the node, the project's count in Redis was not taken either.
        Assert.Equal(0, await redis.GetDatabase().SortedSetLengthAsync($"sg:slots:webhook:{project:N}"));
        await a.DisposeAsync();
        var c = await node.TryTakeAsync(limits, project);
        Assert.NotNull(c);
        await b.DisposeAsync();
        await c.DisposeAsync();
    }
}
