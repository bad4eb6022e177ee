using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Core.Jobs;

/// <summary>
/// Section <c>Jobs</c>: the background workers of each gateway node. Live segments have a pool of their own that no
/// other work can occupy; everything else (VOD, webhooks, chain, sweeps) shares the general pool, where a slow kind of
/// job is held to a share of the workers per project and per node (<see cref="JobSlots"/>).
/// </summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Four workers a core, at least eight: most jobs wait on the network, not the CPU.</summary>
    public static int DefaultWorkers => Math.Max(8, Environment.ProcessorCount * 4);

    /// <summary>Workers of the general pool (queues vod, webhooks, chain, default).</summary>
    [Range(1, 1000)]
    public int Workers { get; set; } = DefaultWorkers;

    /// <summary>Workers that run only live segment jobs (queue live).</summary>
    [Range(1, 1000)]
    public int LiveWorkers { get; set; } = DefaultWorkers;

    /// <summary>
    /// A job whose project (or node) already runs as many of its kind as allowed is not run now but scheduled again
    /// after about this long (a random half to one and a half times it, so that waiting jobs do not come back together).
    /// </summary>
    [Range(0.5, 600)]
    public double BusyRetrySeconds { get; set; } = 5;

    /// <summary>
    /// How long a running job's slot outlives its last renewal (renewed every third of it): a node that dies frees its
    /// projects' slots within this time.
    /// </summary>
    [Range(3, 3600)]
    public int SlotLeaseSeconds { get; set; } = 60;

    /// <summary>When a job that found no free slot runs again: <see cref="BusyRetrySeconds"/> × [0.5, 1.5).</summary>
    public TimeSpan BusyDelay(double random) => TimeSpan.FromSeconds(BusyRetrySeconds * (0.5 + Math.Clamp(random, 0, 1)));
}
