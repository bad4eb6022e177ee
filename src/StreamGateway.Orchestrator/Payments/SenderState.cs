using System.Numerics;
using StreamGateway.Network.Chain;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>What the TicketBroker and BondingManager said of one broadcaster, as this orchestrator last read it.</summary>
public sealed record SenderState(SenderInfoOutput Info, BigInteger PoolSize, BigInteger ClaimedByMe, DateTimeOffset ReadAt);
