using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain.Economics;

// Minter's inflation state (contracts/token/Minter.sol) and the token's supply: rates are over 1,000,000,000 on Livepeer's
// Minter since its Confluence upgrade (and on the devnet's).

[Function("inflation", "uint256")]
public sealed class InflationFunction : FunctionMessage;

[Function("inflationChange", "uint256")]
public sealed class InflationChangeFunction : FunctionMessage;

[Function("targetBondingRate", "uint256")]
public sealed class TargetBondingRateFunction : FunctionMessage;

[Function("currentMintableTokens", "uint256")]
public sealed class CurrentMintableTokensFunction : FunctionMessage;

[Function("setTargetBondingRate")]
public sealed class SetTargetBondingRateFunction : FunctionMessage
{
    [Parameter("uint256", "_targetBondingRate", 1)] public System.Numerics.BigInteger Value { get; set; }
}

[Function("setInflationChange")]
public sealed class SetInflationChangeFunction : FunctionMessage
{
    [Parameter("uint256", "_inflationChange", 1)] public System.Numerics.BigInteger Value { get; set; }
}

[Function("totalSupply", "uint256")]
public sealed class TotalSupplyFunction : FunctionMessage;
