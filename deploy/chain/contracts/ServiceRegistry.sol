// SPDX-License-Identifier: MIT
// StreamGateway devnet contracts (own code; see Interfaces.sol header).
pragma solidity ^0.8.20;

import "./Interfaces.sol";

/// Orchestrators publish their service URI (e.g. "https://127.0.0.1:8935"). No validation.
contract ServiceRegistry is Managed {
    mapping(address => string) private serviceURIs;

    event ServiceURIUpdate(address indexed addr, string serviceURI);

    constructor(address controller_) Managed(controller_) {}

    function setServiceURI(string calldata serviceURI) external {
        serviceURIs[msg.sender] = serviceURI;
        emit ServiceURIUpdate(msg.sender, serviceURI);
    }

    function getServiceURI(address addr) external view returns (string memory) {
        return serviceURIs[addr];
    }
}
