using System.Numerics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using StreamGateway.Network.Selection;

BenchmarkSwitcher.FromTypes([typeof(StreamGateway.Benchmarks.SelectionBenchmarks), typeof(StreamGateway.Benchmarks.TicketBenchmarks),
    typeof(StreamGateway.Benchmarks.RenditionFactsBenchmarks)]).Run(args);

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

/// <summary>Ticket work on one core (DESIGN §6: ≥ 5,000 tickets/s created and signed, and verified).</summary>
[MemoryDiagnoser]
public class TicketBenchmarks
{
    private readonly StreamGateway.Network.Transport.BroadcasterIdentity _sender = new();
    private StreamGateway.Network.Payments.Ticket _ticket = null!;
    private byte[] _sig = [];
    private uint _nonce;

    [GlobalSetup]
    public void Setup()
    {
        _ticket = new StreamGateway.Network.Payments.Ticket(new byte[20], Convert.FromHexString(_sender.Address[2..]),
            BigInteger.Pow(10, 15), BigInteger.Pow(2, 240), 1, new byte[32], 42, new byte[32]);
        _sig = _sender.SignHash(_ticket.Hash());
    }

    [Benchmark]
    public byte[] HashOnly() => (_ticket with { SenderNonce = ++_nonce }).Hash();

    [Benchmark]
    public byte[] CreateAndSign() => _sender.SignHash((_ticket with { SenderNonce = ++_nonce }).Hash());

    [Benchmark]
    public bool VerifyAndCheckWin() =>
        StreamGateway.Network.Transport.BroadcasterIdentity.VerifyHash(_ticket.Sender, _ticket.Hash(), _sig) &&
        StreamGateway.Network.Payments.TicketMath.IsWinning(_sig, 7, _ticket.WinProb);
}
}
