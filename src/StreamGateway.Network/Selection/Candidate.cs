using System.Numerics;

namespace StreamGateway.Network.Selection;

/// <summary>An orchestrator as selection sees it.</summary>
/// <param name="Address">Its Ethereum address (the ticket recipient).</param>
/// <param name="Stake">Total stake bonded to it, in the token's smallest unit.</param>
/// <param name="PricePerPixel">Wei per pixel (pricePerUnit / pixelsPerUnit); null when it did not say.</param>
public sealed record Candidate(string Address, BigInteger Stake, double? PricePerPixel);
