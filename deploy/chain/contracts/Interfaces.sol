// SPDX-License-Identifier: MIT
// StreamGateway devnet contracts: written for this project. They expose the function
// signatures, events and behaviour of the Livepeer protocol contracts that a gateway and an
// orchestrator use, on a local chain (anvil). They are not Livepeer's code.
pragma solidity ^0.8.20;

interface IController {
    function owner() external view returns (address);
    function getContract(bytes32 id) external view returns (address);
}

interface IERC20Minimal {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function balanceOf(address who) external view returns (uint256);
    function totalSupply() external view returns (uint256);
    function mint(address to, uint256 amount) external returns (bool);
    function burn(uint256 amount) external;
}

interface IMinter {
    function createReward(uint256 fracNum, uint256 fracDenom) external returns (uint256);
    function trustedTransferTokens(address to, uint256 amount) external;
    function trustedBurnTokens(uint256 amount) external;
    function trustedWithdrawETH(address payable to, uint256 amount) external;
    function depositETH() external payable returns (bool);
    function setCurrentRewardTokens() external;
}

interface IRoundsManager {
    function currentRound() external view returns (uint256);
    function currentRoundInitialized() external view returns (bool);
    function blockHashForRound(uint256 round) external view returns (bytes32);
}

interface IBondingManager {
    function isActiveTranscoder(address transcoder) external view returns (bool);
    function getTranscoderPoolSize() external view returns (uint256);
    function updateTranscoderWithFees(address transcoder, uint256 fees, uint256 round) external;
    function setCurrentRoundTotalActiveStake() external;
    function getTotalBonded() external view returns (uint256);
}

interface IBondingVotes {
    function checkpointBondingState(
        address account,
        uint256 startRound,
        uint256 bondedAmount,
        address delegateAddress,
        uint256 delegatedAmount,
        uint256 lastClaimRound,
        uint256 lastRewardRound
    ) external;
    function checkpointTotalActiveStake(uint256 totalStake, uint256 round) external;
    function getPastVotes(address account, uint256 round) external view returns (uint256);
    function getPastTotalSupply(uint256 round) external view returns (uint256);
    function delegatedAt(address account, uint256 round) external view returns (address);
}

/// Base for the contracts that find each other through the Controller, the way Livepeer's do.
/// Parameter setters are restricted to the Controller's owner and to the governor the owner registers
/// in the Controller as "LivepeerGovernor" (which runs them as passed proposals).
abstract contract Managed {
    bytes32 internal constant ID_BONDING_MANAGER = keccak256("BondingManager");
    bytes32 internal constant ID_TICKET_BROKER = keccak256("TicketBroker");
    bytes32 internal constant ID_ROUNDS_MANAGER = keccak256("RoundsManager");
    bytes32 internal constant ID_LIVEPEER_TOKEN = keccak256("LivepeerToken");
    bytes32 internal constant ID_MINTER = keccak256("Minter");
    bytes32 internal constant ID_VERIFIER = keccak256("Verifier");
    bytes32 internal constant ID_BONDING_VOTES = keccak256("BondingVotes");
    bytes32 internal constant ID_GOVERNOR = keccak256("LivepeerGovernor");

    IController public immutable controller;

    event ParameterUpdate(string param);

    constructor(address controller_) {
        require(controller_ != address(0), "controller is null address");
        controller = IController(controller_);
    }

    modifier onlyControllerOwner() {
        require(
            msg.sender == controller.owner() || msg.sender == controller.getContract(ID_GOVERNOR),
            "caller must be Controller owner"
        );
        _;
    }

    modifier whenRoundInitialized() {
        require(roundsManager().currentRoundInitialized(), "current round is not initialized");
        _;
    }

    function lookup(bytes32 id) internal view returns (address addr) {
        addr = controller.getContract(id);
        require(addr != address(0), "contract not registered in Controller");
    }

    function roundsManager() internal view returns (IRoundsManager) {
        return IRoundsManager(lookup(ID_ROUNDS_MANAGER));
    }

    function bondingManager() internal view returns (IBondingManager) {
        return IBondingManager(lookup(ID_BONDING_MANAGER));
    }

    function minter() internal view returns (IMinter) {
        return IMinter(lookup(ID_MINTER));
    }

    function livepeerToken() internal view returns (IERC20Minimal) {
        return IERC20Minimal(lookup(ID_LIVEPEER_TOKEN));
    }
}
