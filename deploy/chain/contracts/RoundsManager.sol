// SPDX-License-Identifier: MIT
// StreamGateway devnet contracts (own code; see Interfaces.sol header).
pragma solidity ^0.8.20;

import "./Interfaces.sol";

/// Rounds are fixed-length spans of blocks. currentRound() is computed from block.number;
/// a round must be initialized (initializeRound) before tickets can be redeemed or stake moved in it.
contract RoundsManager is Managed {
    uint256 public roundLength;
    uint256 public lastRoundLengthUpdateRound;
    uint256 public lastRoundLengthUpdateStartBlock;
    uint256 public lastInitializedRound;
    mapping(uint256 => bytes32) public blockHashForRound;

    event NewRound(uint256 indexed round, bytes32 blockHash);

    /// The round at deployment is `firstRound` and starts in the deployment block.
    constructor(address controller_, uint256 roundLength_, uint256 firstRound) Managed(controller_) {
        require(roundLength_ > 0, "round length cannot be 0");
        roundLength = roundLength_;
        lastRoundLengthUpdateRound = firstRound;
        lastRoundLengthUpdateStartBlock = block.number;
    }

    function blockNum() public view returns (uint256) {
        return block.number;
    }

    function currentRound() public view returns (uint256) {
        return lastRoundLengthUpdateRound + (block.number - lastRoundLengthUpdateStartBlock) / roundLength;
    }

    function currentRoundStartBlock() public view returns (uint256) {
        return lastRoundLengthUpdateStartBlock + (currentRound() - lastRoundLengthUpdateRound) * roundLength;
    }

    function currentRoundInitialized() public view returns (bool) {
        return lastInitializedRound == currentRound();
    }

    function initializeRound() external {
        uint256 round = currentRound();
        require(lastInitializedRound < round, "round already initialized");
        lastInitializedRound = round;
        bytes32 hash = blockhash(block.number - 1);
        blockHashForRound[round] = hash;
        // As in Livepeer: the pool's stake becomes this round's active stake, then inflation is set for it.
        bondingManager().setCurrentRoundTotalActiveStake();
        minter().setCurrentRewardTokens();
        emit NewRound(round, hash);
    }

    /// Takes effect from the current round's start block: the current round keeps its number.
    function setRoundLength(uint256 roundLength_) external onlyControllerOwner {
        require(roundLength_ > 0, "round length cannot be 0");
        uint256 round = currentRound();
        lastRoundLengthUpdateStartBlock = currentRoundStartBlock();
        lastRoundLengthUpdateRound = round;
        roundLength = roundLength_;
        emit ParameterUpdate("roundLength");
    }
}
