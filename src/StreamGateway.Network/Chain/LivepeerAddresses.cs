namespace StreamGateway.Network.Chain;

/// <summary>The Livepeer contracts the gateway reads, resolved through the Controller.</summary>
public sealed record LivepeerAddresses(string BondingManager, string ServiceRegistry, string RoundsManager, string TicketBroker);
