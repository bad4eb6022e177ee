using System.Globalization;
using System.Numerics;
using Nethereum.Web3;
using StreamGateway.Network.Chain;
using StreamGateway.Network.Wire;

namespace StreamGateway.Core.Transcoding;

/// <summary>An orchestrator as discovery last saw it.</summary>
/// <param name="Id">Its Ethereum address (lower case), or its service URI when it is configured off-chain without one.</param>
/// <param name="Stake">Total bonded stake in the token's smallest unit, as a decimal string (0 off-chain).</param>
/// <param name="Capacity">Concurrent sessions it says it takes (its H.264 capability capacity).</param>
/// <param name="Offered">Its capability bitstring; empty when it described none. Null only in a snapshot written before
/// capabilities were recorded, and then it is taken to serve every job until the next refresh.</param>
/// <param name="Mandatories">Capability bits it serves only jobs that ask for.</param>
public sealed record KnownOrchestrator(
    string Id, string? Address, string ServiceUri, string Stake, bool Active, bool Responding, string? Transcoder,
    long PricePerUnit, long PixelsPerUnit, int? Capacity, double? DiscoveryMilliseconds, string? Error,
    ulong[]? Offered = null, ulong[]? Mandatories = null)
{
    /// <summary>Whether go-B would send it a job needing these capabilities (<see cref="CapabilityBits.Serves"/>).</summary>
    public bool Serves(IReadOnlyList<ulong> job) => Offered is null || CapabilityBits.Serves(Offered, Mandatories, job);

    public BigInteger StakeWei => BigInteger.Parse(Stake, CultureInfo.InvariantCulture);

    /// <summary>Wei per pixel; null when it gave no usable price.</summary>
    public double? PricePerPixel => PixelsPerUnit > 0 ? (double)PricePerUnit / PixelsPerUnit : null;
}
