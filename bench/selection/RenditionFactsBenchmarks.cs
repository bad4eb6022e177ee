using BenchmarkDotNet.Attributes;
using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Benchmarks;

/// <summary>
/// The cheap rendition check, which every segment gets: codec, size, frames and duration read from the MPEG-TS bytes
/// (<see cref="RenditionFacts.Read"/>). The file is BENCH_RENDITION (bench/verify/run sets it to a rendition it made).
/// </summary>
[MemoryDiagnoser]
public class RenditionFactsBenchmarks
{
    private byte[] _bytes = [];

    [GlobalSetup]
    public void Setup() => _bytes = File.ReadAllBytes(Environment.GetEnvironmentVariable("BENCH_RENDITION")
        ?? throw new InvalidOperationException("BENCH_RENDITION must name an MPEG-TS rendition (bench/verify/run sets it)"));

    [Benchmark]
    public long Read() => RenditionFacts.Read(_bytes).Frames;
}
