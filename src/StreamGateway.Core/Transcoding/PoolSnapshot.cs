using Nethereum.Web3;
using StreamGateway.Network.Chain;
using StreamGateway.Network.Wire;

namespace StreamGateway.Core.Transcoding;

/// <summary>One refresh of the pool: the round it was read in, when, and every orchestrator.</summary>
public sealed record PoolSnapshot(long Round, DateTimeOffset RefreshedAt, IReadOnlyList<KnownOrchestrator> Orchestrators);
