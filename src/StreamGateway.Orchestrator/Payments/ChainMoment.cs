using System.Numerics;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>What payments need to know about the chain right now.</summary>
public sealed record ChainMoment(BigInteger Block, BigInteger LastInitializedRound, byte[] RoundBlockHash, BigInteger GasPrice);
