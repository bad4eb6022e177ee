// SPDX-License-Identifier: MIT
// StreamGateway devnet contracts (own code; see Interfaces.sol header).
pragma solidity ^0.8.20;

/// Registry of the protocol contracts: id = keccak256(<ASCII contract name>), e.g.
/// keccak256("BondingManager"). Clients hard-code only this contract's address.
contract Controller {
    address public owner;
    mapping(bytes32 => address) private contracts;

    event SetContractInfo(bytes32 id, address contractAddress);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    constructor() {
        owner = msg.sender;
        emit OwnershipTransferred(address(0), msg.sender);
    }

    modifier onlyOwner() {
        require(msg.sender == owner, "caller must be owner");
        _;
    }

    function setContractInfo(bytes32 id, address addr) external onlyOwner {
        contracts[id] = addr;
        emit SetContractInfo(id, addr);
    }

    function getContract(bytes32 id) external view returns (address) {
        return contracts[id];
    }

    function transferOwnership(address newOwner) external onlyOwner {
        require(newOwner != address(0), "new owner is null address");
        emit OwnershipTransferred(owner, newOwner);
        owner = newOwner;
    }
}
