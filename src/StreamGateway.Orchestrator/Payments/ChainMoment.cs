using System.Numerics;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>What payments need to know about the chain right now.</summary>
/// <param name="Block">The protocol's block: L1 on Arbitrum (<see cref="StreamGateway.Network.Chain.ProtocolBlocks"/>).</param>
/// <param name="CreationRound">The round new tickets are made in: the last initialized one, or the one before when that
/// round's block hash reads as zero.</param>
/// <param name="RoundBlockHash">The block hash of <paramref name="CreationRound"/>.</param>
public sealed record ChainMoment(BigInteger Block, BigInteger LastInitializedRound, BigInteger CreationRound, byte[] RoundBlockHash, BigInteger GasPrice);
