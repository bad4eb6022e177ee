// SPDX-License-Identifier: MIT
// StreamGateway devnet contracts (own code; see Interfaces.sol header).
pragma solidity ^0.8.20;

import "./Interfaces.sol";

interface IEarningsPoolReader {
    function getTranscoderEarningsPoolForRound(address transcoder, uint256 round)
        external
        view
        returns (uint256, uint256, uint256, uint256 cumulativeRewardFactor, uint256);
}

/// Stake-weighted voting power by round, from the bonding state the BondingManager checkpoints after
/// every change (Livepeer's BondingVotes rules; the clock is the round number):
/// - a registered transcoder votes with its whole delegated stake;
/// - a delegator votes with its bond plus the rewards its transcoder earned for it since its last claim;
/// - the "total supply" of votes for a round is the round's total active stake.
/// `getPastVotes(a, r)` is the power at the start of round r + 1, i.e. once round r's changes are in.
contract BondingVotes is Managed {
    uint256 private constant PRECISE_UNIT = 1e27;

    struct BondingCheckpoint {
        uint256 bondedAmount;
        address delegateAddress;
        uint256 delegatedAmount;
        uint256 lastClaimRound;
        uint256 lastRewardRound;
    }

    mapping(address => uint256[]) private startRounds;
    mapping(address => mapping(uint256 => BondingCheckpoint)) private bonds;
    uint256[] private totalStakeRounds;
    mapping(uint256 => uint256) private totalStakes;

    constructor(address controller_) Managed(controller_) {}

    modifier onlyBondingManager() {
        require(msg.sender == controller.getContract(ID_BONDING_MANAGER), "caller must be BondingManager");
        _;
    }

    // ---------------------------------------------------------------- BondingManager hooks

    /// The account's state as it will be from `startRound` (always the next round).
    function checkpointBondingState(
        address account,
        uint256 startRound,
        uint256 bondedAmount,
        address delegateAddress,
        uint256 delegatedAmount,
        uint256 lastClaimRound,
        uint256 lastRewardRound
    ) external onlyBondingManager {
        require(startRound == clock() + 1, "invalid start round");
        require(lastClaimRound < startRound, "future last claim round");
        _push(startRounds[account], startRound);
        bonds[account][startRound] =
            BondingCheckpoint(bondedAmount, delegateAddress, delegatedAmount, lastClaimRound, lastRewardRound);
    }

    function checkpointTotalActiveStake(uint256 totalStake, uint256 round) external onlyBondingManager {
        require(round == clock(), "invalid total stake round");
        _push(totalStakeRounds, round);
        totalStakes[round] = totalStake;
    }

    // ---------------------------------------------------------------- votes (ERC-5805 names)

    function clock() public view returns (uint48) {
        return uint48(roundsManager().currentRound());
    }

    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=livepeer_round";
    }

    function getVotes(address account) external view returns (uint256 votes) {
        (votes, ) = getVotesAndDelegateAtRoundStart(account, uint256(clock()) + 1);
    }

    function getPastVotes(address account, uint256 round) external view returns (uint256 votes) {
        require(round < clock(), "future lookup");
        (votes, ) = getVotesAndDelegateAtRoundStart(account, round + 1);
    }

    function totalSupply() external view returns (uint256) {
        return getTotalActiveStakeAt(uint256(clock()) + 1);
    }

    function getPastTotalSupply(uint256 round) external view returns (uint256) {
        require(round < clock(), "future lookup");
        return getTotalActiveStakeAt(round + 1);
    }

    function delegates(address account) external view returns (address delegateAddress) {
        (, delegateAddress) = getVotesAndDelegateAtRoundStart(account, uint256(clock()) + 1);
    }

    function delegatedAt(address account, uint256 round) external view returns (address delegateAddress) {
        require(round < clock(), "future lookup");
        (, delegateAddress) = getVotesAndDelegateAtRoundStart(account, round + 1);
    }

    function getTotalActiveStakeAt(uint256 round) public view returns (uint256) {
        (bool found, uint256 at) = _latestAtOrBefore(totalStakeRounds, round);
        return found ? totalStakes[at] : 0;
    }

    function getVotesAndDelegateAtRoundStart(address account, uint256 round)
        public
        view
        returns (uint256 votes, address delegateAddress)
    {
        BondingCheckpoint memory bond = _bondAt(account, round);
        delegateAddress = bond.delegateAddress;
        if (bond.bondedAmount == 0) {
            return (0, delegateAddress);
        }
        if (delegateAddress == account) {
            return (bond.delegatedAmount, delegateAddress);
        }
        BondingCheckpoint memory transcoderBond = _bondAt(delegateAddress, round);
        if (transcoderBond.delegateAddress != delegateAddress || transcoderBond.bondedAmount == 0) {
            return (0, delegateAddress); // delegated to an address that is not a transcoder
        }
        if (transcoderBond.lastRewardRound < bond.lastClaimRound) {
            return (bond.bondedAmount, delegateAddress);
        }
        IEarningsPoolReader bm = IEarningsPoolReader(lookup(ID_BONDING_MANAGER));
        (, , , uint256 startFactor, ) = bm.getTranscoderEarningsPoolForRound(delegateAddress, bond.lastClaimRound);
        (, , , uint256 endFactor, ) = bm.getTranscoderEarningsPoolForRound(delegateAddress, transcoderBond.lastRewardRound);
        if (startFactor == 0) startFactor = PRECISE_UNIT;
        if (endFactor == 0) endFactor = PRECISE_UNIT;
        votes = (bond.bondedAmount * ((endFactor * PRECISE_UNIT) / startFactor)) / PRECISE_UNIT;
    }

    // ---------------------------------------------------------------- internals

    function _bondAt(address account, uint256 round) private view returns (BondingCheckpoint memory) {
        (bool found, uint256 at) = _latestAtOrBefore(startRounds[account], round);
        BondingCheckpoint memory none;
        return found ? bonds[account][at] : none;
    }

    /// Rounds are appended in increasing order (a repeated round overwrites its checkpoint).
    function _push(uint256[] storage rounds, uint256 round) private {
        uint256 n = rounds.length;
        if (n == 0 || rounds[n - 1] < round) {
            rounds.push(round);
        }
    }

    function _latestAtOrBefore(uint256[] storage rounds, uint256 round) private view returns (bool, uint256) {
        uint256 lo = 0;
        uint256 hi = rounds.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (rounds[mid] <= round) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == 0 ? (false, 0) : (true, rounds[lo - 1]);
    }
}
