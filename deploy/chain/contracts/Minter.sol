// SPDX-License-Identifier: MIT
// StreamGateway devnet contracts (own code; see Interfaces.sol header).
pragma solidity ^0.8.20;

import "./Interfaces.sol";

/// Placeholder registered under keccak256("Minter") so that every name a Livepeer client
/// resolves through the Controller has an address. The devnet has no inflation and the
/// TicketBroker keeps ticket funds itself, so this contract holds nothing.
contract Minter is Managed {
    constructor(address controller_) Managed(controller_) {}

    function inflation() external pure returns (uint256) {
        return 0;
    }

    function currentMintableTokens() external pure returns (uint256) {
        return 0;
    }
}
