// SPDX-License-Identifier: MIT
// StreamGateway devnet contracts (own code; see Interfaces.sol header).
pragma solidity ^0.8.20;

import "./Interfaces.sol";

/// Inflation and the protocol's purse, with the rules of Livepeer's Minter:
/// - `inflation` is a per-round rate over PERC_DIVISOR (1e9, the precision of Livepeer's Arbitrum
///   Minter). When a round is initialized (RoundsManager -> setCurrentRewardTokens) it rises by
///   `inflationChange` if the bonding rate (the round's total active stake / LPT total supply) is below
///   `targetBondingRate`, falls by it (not below 0) if above, and then
///   `currentMintableTokens = totalSupply * inflation / PERC_DIVISOR` for that round.
/// - The BondingManager mints a transcoder's share with createReward; what nobody claims in a round
///   is never minted.
/// - It holds the bonded LPT (trustedTransferTokens pays stake out, trustedBurnTokens burns slashed
///   stake) and the ticket ETH (the TicketBroker deposits it; the TicketBroker withdraws senders'
///   funds and the BondingManager pays out fees with trustedWithdrawETH).
contract Minter is Managed {
    uint256 public constant PERC_DIVISOR = 1000000000;

    uint256 public inflation;
    uint256 public inflationChange;
    uint256 public targetBondingRate;
    uint256 public currentMintableTokens;
    uint256 public currentMintedTokens;

    event SetCurrentRewardTokens(uint256 currentMintableTokens, uint256 currentInflation);

    constructor(address controller_, uint256 inflation_, uint256 inflationChange_, uint256 targetBondingRate_)
        Managed(controller_)
    {
        require(inflation_ <= PERC_DIVISOR, "_inflation is invalid percentage");
        require(inflationChange_ <= PERC_DIVISOR, "_inflationChange is invalid percentage");
        require(targetBondingRate_ <= PERC_DIVISOR, "_targetBondingRate is invalid percentage");
        inflation = inflation_;
        inflationChange = inflationChange_;
        targetBondingRate = targetBondingRate_;
    }

    modifier onlyBondingManager() {
        require(msg.sender == controller.getContract(ID_BONDING_MANAGER), "msg.sender not BondingManager");
        _;
    }

    // ---------------------------------------------------------------- parameters

    function setTargetBondingRate(uint256 targetBondingRate_) external onlyControllerOwner {
        require(targetBondingRate_ <= PERC_DIVISOR, "_targetBondingRate is invalid percentage");
        targetBondingRate = targetBondingRate_;
        emit ParameterUpdate("targetBondingRate");
    }

    function setInflationChange(uint256 inflationChange_) external onlyControllerOwner {
        require(inflationChange_ <= PERC_DIVISOR, "_inflationChange is invalid percentage");
        inflationChange = inflationChange_;
        emit ParameterUpdate("inflationChange");
    }

    // ---------------------------------------------------------------- rounds and rewards

    function setCurrentRewardTokens() external {
        require(msg.sender == controller.getContract(ID_ROUNDS_MANAGER), "msg.sender not RoundsManager");
        uint256 supply = getGlobalTotalSupply();
        uint256 bondingRate = supply > 0 ? (bondingManager().getTotalBonded() * PERC_DIVISOR) / supply : 0;
        if (bondingRate < targetBondingRate) {
            inflation += inflationChange;
        } else if (bondingRate > targetBondingRate) {
            inflation = inflationChange > inflation ? 0 : inflation - inflationChange;
        }
        currentMintableTokens = (supply * inflation) / PERC_DIVISOR;
        currentMintedTokens = 0;
        emit SetCurrentRewardTokens(currentMintableTokens, inflation);
    }

    /// Mints fracNum/fracDenom of this round's mintable tokens (to this contract) and returns the amount.
    function createReward(uint256 fracNum, uint256 fracDenom) external onlyBondingManager returns (uint256) {
        // Livepeer's rounding: the fraction is first truncated to PERC_DIVISOR precision.
        uint256 mintAmount = (currentMintableTokens * ((fracNum * PERC_DIVISOR) / fracDenom)) / PERC_DIVISOR;
        currentMintedTokens += mintAmount;
        require(currentMintedTokens <= currentMintableTokens, "minted tokens cannot exceed mintable tokens");
        require(livepeerToken().mint(address(this), mintAmount), "mint failed");
        return mintAmount;
    }

    function trustedTransferTokens(address to, uint256 amount) external onlyBondingManager {
        require(livepeerToken().transfer(to, amount), "token transfer failed");
    }

    function trustedBurnTokens(uint256 amount) external onlyBondingManager {
        livepeerToken().burn(amount);
    }

    function trustedWithdrawETH(address payable to, uint256 amount) external {
        require(
            msg.sender == controller.getContract(ID_BONDING_MANAGER) || msg.sender == controller.getContract(ID_TICKET_BROKER),
            "msg.sender not BondingManager or TicketBroker"
        );
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, ) = to.call{value: amount}("");
        require(ok, "ETH transfer failed");
    }

    function depositETH() external payable returns (bool) {
        require(msg.sender == controller.getContract(ID_TICKET_BROKER), "msg.sender not TicketBroker");
        return true;
    }

    // ---------------------------------------------------------------- views

    function getController() external view returns (address) {
        return address(controller);
    }

    /// The devnet has one chain: the token's total supply (Livepeer adds the L1 circulating supply).
    function getGlobalTotalSupply() public view returns (uint256) {
        return livepeerToken().totalSupply();
    }
}
