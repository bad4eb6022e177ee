using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain;

// RoundsManager call shape (livepeer-protocol §4.4), served alike by Livepeer's contract on Arbitrum One and the devnet's in deploy/chain.

[Function("currentRoundInitialized", "bool")]
public sealed class CurrentRoundInitializedFunction : FunctionMessage;
