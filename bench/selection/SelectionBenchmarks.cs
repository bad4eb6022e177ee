using System.Numerics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using StreamGateway.Network.Selection;

BenchmarkRunner.Run<StreamGateway.Benchmarks.SelectionBenchmarks>(args: args);

namespace StreamGateway.Benchmarks
{
/// <summary>Cost of one orchestrator decision: weigh the pool, then draw (DESIGN §6: ≪ 1 ms).</summary>
[MemoryDiagnoser]
public class SelectionBenchmarks
{
    private Candidate[] _pool = [];
    private readonly Random _random = new(1);

    [Params(3, 100)]
    public int PoolSize { get; set; }

    [GlobalSetup]
    public void Setup() => _pool = Enumerable.Range(0, PoolSize)
        .Select(i => new Candidate($"0x{i:x40}", BigInteger.Pow(10, 18) * (1000 + i * 37), 500 + i))
        .ToArray();

    [Benchmark]
    public Candidate? WeighAndChoose() =>
        ProbabilitySelection.Choose(ProbabilitySelection.Weigh(_pool, SelectionWeights.Default, maxPricePerPixel: 10_000), _random);
}
}
