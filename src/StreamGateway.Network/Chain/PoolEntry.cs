using System.Numerics;

namespace StreamGateway.Network.Chain;

/// <summary>One orchestrator of the on-chain pool.</summary>
public sealed record PoolEntry(string Address, BigInteger Stake, string ServiceUri, bool Active, BigInteger RewardCut, BigInteger FeeShare);
