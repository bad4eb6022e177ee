using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;

namespace StreamGateway.Tests.Unit;

public sealed class DurableWritesTests
{
    private static DurableWrites New(int maxPending = 100) =>
        new(Options.Create(new DurableWriteOptions { MaxPending = maxPending, MaxRetryDelaySeconds = 0.1 }), TimeProvider.System,
            NullLogger<DurableWrites>.Instance);

    [Fact]
    public async Task A_write_is_retried_while_the_store_is_unreachable_and_later_writes_of_its_key_wait_behind_it()
    {
        using var writes = New();
        var key = Guid.NewGuid();
        var order = new List<string>();
        var failures = 3;
        var first = writes.Run(key, "first", _ =>
        {
            if (failures-- > 0)
            {
                throw new TimeoutException("store away");
            }
            order.Add("first");
            return Task.CompletedTask;
        });
        var second = writes.Run(key, "second", _ =>
        {
            order.Add("second");
            return Task.CompletedTask;
        });
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["first", "second"], order);
        Assert.Equal(-1, failures);
        Assert.Equal(0, writes.Pending);
    }

    [Fact]
    public async Task A_write_the_store_refuses_is_dropped_at_once_and_the_next_one_still_lands()
    {
        using var writes = New();
        var key = Guid.NewGuid();
        var tries = 0;
        var refused = writes.Run(key, "refused", _ =>
        {
            tries++;
            throw new InvalidOperationException("constraint violated");
        });
        var next = writes.Run(key, "next", _ => Task.CompletedTask);
        await Assert.ThrowsAsync<InvalidOperationException>(() => refused.WaitAsync(TimeSpan.FromSeconds(10)));
        await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, tries);
    }

    [Fact]
    public async Task Past_the_bound_a_write_is_refused_instead_of_held()
    {
        using var writes = New(maxPending: 100);
        var gate = new TaskCompletionSource();
        var held = Enumerable.Range(0, 100).Select(_ => writes.Run(Guid.Empty, "held", _ => gate.Task)).ToList();
        var over = writes.Run(Guid.NewGuid(), "one too many", _ => Task.CompletedTask);
        await Assert.ThrowsAsync<InvalidOperationException>(() => over.WaitAsync(TimeSpan.FromSeconds(10)));
        gate.SetResult();
        await Task.WhenAll(held).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, writes.Pending);
    }

    [Fact]
    public void Only_an_unreachable_store_counts_as_worth_retrying()
    {
        Assert.True(DurableWrites.Unreachable(new InvalidOperationException("wrapped", new Npgsql.NpgsqlException("connect", new System.Net.Sockets.SocketException()))));
        Assert.True(DurableWrites.Unreachable(new TimeoutException()));
        Assert.False(DurableWrites.Unreachable(new InvalidOperationException("a bug")));
    }
}
