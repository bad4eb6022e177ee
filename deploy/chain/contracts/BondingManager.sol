// SPDX-License-Identifier: MIT
// StreamGateway devnet contracts (own code; see Interfaces.sol header).
pragma solidity ^0.8.20;

import "./Interfaces.sol";

/// Stake (LPT) bonding and the transcoder pool.
///
/// Model (Livepeer's rules, our code):
/// - A delegator bonds LPT to one address (`bond(amount, to)`) and may move its whole bond to another
///   address with a later `bond`; bonding to yourself makes you a registered transcoder. A registered
///   transcoder whose stake grows while it is outside the pool tries to join it (evicting the smallest
///   member of a full pool if it has more stake); `transcoder(rewardCut, feeShare)` sets its commission
///   and also tries to join. Members are active from the round after they join.
/// - The pool is a doubly linked list sorted by total stake (delegated amount), largest first,
///   re-sorted on every stake change, capped at `getTranscoderPoolMaxSize()`. The total stake of the
///   pool is tracked for the next round and fixed for the current one when a round is initialized.
/// - `unbond` moves stake into an unbonding lock that `withdrawStake` pays out after `unbondingPeriod`
///   rounds; `rebond` / `rebondFromUnbonded` put a lock's stake back.
/// - Stake changes made in round R take effect in the earnings pool of round R+1 (as in Livepeer):
///   `getTranscoderEarningsPoolForRound(t, r).totalStake` is the stake recorded by the last change
///   made before round r.
/// - Bonded LPT is held by the Minter. `reward()` (once per round, active transcoders) mints the
///   transcoder's share of the round's mintable tokens, stake / currentRoundTotalActiveStake.
/// - Earnings follow LIP-36: per transcoder and round a cumulativeRewardFactor and a
///   cumulativeFeeFactor (1e27 = 1). The transcoder keeps `rewardCut` of its rewards and
///   `1 - feeShare` of its fees; the rest grows the factors, which every delegator (the transcoder's
///   self-bond included) reads in proportion to its stake. Earnings are claimed up to the current
///   round by claimEarnings and before every bond, unbond, rebond and withdrawFees.
contract BondingManager is Managed {
    uint256 public constant PERC_DIVISOR = 1000000;
    /// Unit of the cumulative factors (Livepeer's PreciseMathUtils.PERC_DIVISOR).
    uint256 private constant PRECISE_UNIT = 1e27;

    struct Transcoder {
        uint256 lastRewardRound;
        uint256 rewardCut;
        uint256 feeShare;
        uint256 activationRound;
        uint256 deactivationRound;
        uint256 activeCumulativeRewards;
        uint256 cumulativeRewards;
        uint256 cumulativeFees;
        uint256 lastFeeRound;
        uint256 delegatedAmount;
    }

    /// LIP-36 factors of one transcoder in one round (0 = not recorded for that round).
    struct Factors {
        uint256 cumulativeRewardFactor;
        uint256 cumulativeFeeFactor;
    }

    struct Delegator {
        uint256 bondedAmount;
        uint256 fees;
        address delegateAddress;
        uint256 startRound;
        uint256 lastClaimRound;
        uint256 nextUnbondingLockId;
    }

    enum DelegatorStatus {
        Pending,
        Bonded,
        Unbonded
    }

    struct UnbondingLock {
        uint256 amount;
        uint256 withdrawRound;
    }

    struct StakeCheckpoint {
        uint256 round;
        uint256 totalStake;
        uint256 rewardCut;
        uint256 feeShare;
    }

    struct PoolNode {
        uint256 key;
        address next;
        address prev;
        bool inPool;
    }

    uint64 public unbondingPeriod;
    /// Sum of the pool members' stake, fixed for the current round by initializeRound.
    uint256 public currentRoundTotalActiveStake;
    /// Sum of the pool members' stake as it stands now, i.e. for the next round.
    uint256 public nextRoundTotalActiveStake;

    mapping(address => Transcoder) private transcoders;
    mapping(address => Delegator) private delegators;
    mapping(address => mapping(uint256 => UnbondingLock)) private unbondingLocks;
    mapping(address => StakeCheckpoint[]) private checkpoints;
    mapping(address => mapping(uint256 => uint256)) private feesForRound;
    mapping(address => mapping(uint256 => Factors)) private factors;

    mapping(address => PoolNode) private pool;
    address private poolHead;
    address private poolTail;
    uint256 private poolSize;
    uint256 private poolMaxSize;

    event TranscoderUpdate(address indexed transcoder, uint256 rewardCut, uint256 feeShare);
    event TranscoderActivated(address indexed transcoder, uint256 activationRound);
    event TranscoderDeactivated(address indexed transcoder, uint256 deactivationRound);
    event Bond(
        address indexed newDelegate,
        address indexed oldDelegate,
        address indexed delegator,
        uint256 additionalAmount,
        uint256 bondedAmount
    );
    event Unbond(
        address indexed delegate,
        address indexed delegator,
        uint256 unbondingLockId,
        uint256 amount,
        uint256 withdrawRound
    );
    event Rebond(address indexed delegate, address indexed delegator, uint256 unbondingLockId, uint256 amount);
    event WithdrawStake(address indexed delegator, uint256 unbondingLockId, uint256 amount, uint256 withdrawRound);
    event WithdrawFees(address indexed delegator, address recipient, uint256 amount);
    event Reward(address indexed transcoder, uint256 amount);
    event TranscoderSlashed(address indexed transcoder, address finder, uint256 penalty, uint256 finderReward);
    event EarningsClaimed(
        address indexed delegate,
        address indexed delegator,
        uint256 rewards,
        uint256 fees,
        uint256 startRound,
        uint256 endRound
    );
    event TranscoderFeesUpdated(address indexed transcoder, uint256 fees, uint256 round);

    constructor(address controller_, uint256 maxPoolSize_, uint256 unbondingPeriod_) Managed(controller_) {
        require(maxPoolSize_ > 0, "pool max size cannot be 0");
        poolMaxSize = maxPoolSize_;
        unbondingPeriod = uint64(unbondingPeriod_);
    }

    // ---------------------------------------------------------------- parameters

    function setNumActiveTranscoders(uint256 maxSize) external onlyControllerOwner {
        require(maxSize >= poolSize && maxSize > 0, "new limit must be >= current pool size and > 0");
        poolMaxSize = maxSize;
        emit ParameterUpdate("numActiveTranscoders");
    }

    function setUnbondingPeriod(uint64 period) external onlyControllerOwner {
        unbondingPeriod = period;
        emit ParameterUpdate("unbondingPeriod");
    }

    // ---------------------------------------------------------------- staking

    function bond(uint256 amount, address to) external whenRoundInitialized {
        require(to != address(0), "delegate is null address");
        uint256 round = roundsManager().currentRound();
        _autoClaimEarnings(msg.sender, round);
        Delegator storage del = delegators[msg.sender];
        address oldDelegate = del.delegateAddress;
        uint256 currentBond = del.bondedAmount;
        uint256 delegation = amount;

        if (currentBond == 0) {
            del.startRound = round + 1;
        } else if (oldDelegate != to) {
            // Moving a bond takes all of it to the new delegate; the move counts from the next round.
            require(!isRegisteredTranscoder(msg.sender), "registered transcoders can't delegate towards other addresses");
            del.startRound = round + 1;
            delegation += currentBond;
            _decreaseTotalStake(oldDelegate, currentBond);
        }
        require(delegation > 0, "delegation amount must be greater than 0");
        _ensureFactorsRecorded(to, round);

        del.delegateAddress = to;
        del.bondedAmount = currentBond + amount;
        _increaseTotalStake(to, delegation);

        if (amount > 0) {
            require(livepeerToken().transferFrom(msg.sender, address(minter()), amount), "token transfer failed");
        }
        emit Bond(to, oldDelegate, msg.sender, amount, del.bondedAmount);
        _checkpointVotes(msg.sender);
    }

    function unbond(uint256 amount) external whenRoundInitialized {
        _autoClaimEarnings(msg.sender, roundsManager().currentRound());
        require(delegatorStatus(msg.sender) == DelegatorStatus.Bonded, "caller must be bonded");
        Delegator storage del = delegators[msg.sender];
        require(amount > 0, "unbond amount must be greater than 0");
        require(amount <= del.bondedAmount, "amount is greater than bonded amount");

        uint256 round = roundsManager().currentRound();
        address delegate = del.delegateAddress;
        uint256 lockId = del.nextUnbondingLockId++;
        uint256 withdrawRound = round + unbondingPeriod;
        unbondingLocks[msg.sender][lockId] = UnbondingLock(amount, withdrawRound);

        del.bondedAmount -= amount;
        if (del.bondedAmount == 0) {
            del.delegateAddress = address(0);
            del.startRound = 0;
            // A transcoder whose own bond is gone leaves the pool.
            if (pool[msg.sender].inPool) {
                _resign(msg.sender, round);
            }
        }
        _decreaseTotalStake(delegate, amount);
        emit Unbond(delegate, msg.sender, lockId, amount, withdrawRound);
        _checkpointVotes(msg.sender);
    }

    /// Puts an unbonding lock's stake back with the caller's current delegate (caller bonded or pending).
    function rebond(uint256 unbondingLockId) external whenRoundInitialized {
        _autoClaimEarnings(msg.sender, roundsManager().currentRound());
        require(delegatorStatus(msg.sender) != DelegatorStatus.Unbonded, "caller must be bonded");
        _processRebond(msg.sender, unbondingLockId);
    }

    /// Puts an unbonding lock's stake back, delegated to `to` (caller fully unbonded).
    function rebondFromUnbonded(address to, uint256 unbondingLockId) external whenRoundInitialized {
        uint256 round = roundsManager().currentRound();
        _autoClaimEarnings(msg.sender, round);
        require(delegatorStatus(msg.sender) == DelegatorStatus.Unbonded, "caller must be unbonded");
        require(to != address(0), "delegate is null address");
        _ensureFactorsRecorded(to, round);
        Delegator storage del = delegators[msg.sender];
        del.startRound = round + 1;
        del.delegateAddress = to;
        _processRebond(msg.sender, unbondingLockId);
    }

    function withdrawStake(uint256 unbondingLockId) external whenRoundInitialized {
        require(isValidUnbondingLock(msg.sender, unbondingLockId), "invalid unbonding lock ID");
        UnbondingLock storage lock = unbondingLocks[msg.sender][unbondingLockId];
        uint256 amount = lock.amount;
        uint256 withdrawRound = lock.withdrawRound;
        require(withdrawRound <= roundsManager().currentRound(), "withdraw round must be before or equal to the current round");
        delete unbondingLocks[msg.sender][unbondingLockId];
        minter().trustedTransferTokens(msg.sender, amount);
        emit WithdrawStake(msg.sender, unbondingLockId, amount, withdrawRound);
    }

    /// Pays `amount` of the caller's claimed fees (ETH, held by the Minter) to `recipient`.
    function withdrawFees(address payable recipient, uint256 amount) external whenRoundInitialized {
        _autoClaimEarnings(msg.sender, roundsManager().currentRound());
        require(recipient != address(0), "invalid recipient");
        Delegator storage del = delegators[msg.sender];
        require(del.fees >= amount, "insufficient fees to withdraw");
        del.fees -= amount;
        minter().trustedWithdrawETH(recipient, amount);
        emit WithdrawFees(msg.sender, recipient, amount);
        _checkpointVotes(msg.sender);
    }

    /// Claims rewards (added to the bond) and fees up to the current round; `endRound` is ignored, as
    /// in Livepeer since LIP-36.
    function claimEarnings(uint256 endRound) external whenRoundInitialized {
        endRound;
        _autoClaimEarnings(msg.sender, roundsManager().currentRound());
        _checkpointVotes(msg.sender);
    }

    /// Mints the caller's share of this round's inflation: mintable * stake / currentRoundTotalActiveStake.
    /// Once per round, active transcoders only; a round without a call mints nothing for it.
    function reward() external whenRoundInitialized {
        uint256 round = roundsManager().currentRound();
        require(isActiveTranscoder(msg.sender), "caller must be an active transcoder");
        Transcoder storage t = transcoders[msg.sender];
        require(t.lastRewardRound != round, "caller has already called reward for the current round");

        (uint256 stake, uint256 rewardCut, ) = _poolAt(msg.sender, round);
        uint256 totalActive = currentRoundTotalActiveStake;
        uint256 rewards = totalActive == 0 ? 0 : minter().createReward(stake, totalActive);
        _updateTranscoderWithRewards(msg.sender, rewards, round, stake, rewardCut);
        t.lastRewardRound = round;
        emit Reward(msg.sender, rewards);
        _checkpointVotes(msg.sender);
    }

    /// Takes `slashAmount` (over PERC_DIVISOR) of the transcoder's own bond and removes it from the pool;
    /// `finderFee` (over PERC_DIVISOR) of the penalty goes to `finder` (none if it is the zero address)
    /// and the rest is burned. Only the Controller's "Verifier" entry may call it (unset by default).
    function slashTranscoder(address transcoderAddr, address finder, uint256 slashAmount, uint256 finderFee) external {
        require(msg.sender == controller.getContract(ID_VERIFIER), "caller must be Verifier");
        require(slashAmount <= PERC_DIVISOR, "invalid slashAmount percentage");
        require(finderFee <= PERC_DIVISOR, "invalid finderFee percentage");
        uint256 round = roundsManager().currentRound();
        _autoClaimEarnings(transcoderAddr, round);
        Delegator storage del = delegators[transcoderAddr];
        if (del.bondedAmount == 0) {
            emit TranscoderSlashed(transcoderAddr, finder, 0, 0);
            return;
        }
        uint256 penalty = (del.bondedAmount * slashAmount) / PERC_DIVISOR;
        if (pool[transcoderAddr].inPool) {
            _resign(transcoderAddr, round);
        }
        del.bondedAmount -= penalty;
        _decreaseTotalStake(del.delegateAddress, penalty);
        if (del.bondedAmount == 0) {
            del.delegateAddress = address(0);
            del.startRound = 0;
        }

        uint256 finderReward = finder == address(0) ? 0 : (penalty * finderFee) / PERC_DIVISOR;
        IMinter m = minter();
        if (finderReward > 0) {
            m.trustedTransferTokens(finder, finderReward);
        }
        m.trustedBurnTokens(penalty - finderReward);
        emit TranscoderSlashed(transcoderAddr, finder, penalty, finderReward);
        _checkpointVotes(transcoderAddr);
    }

    /// Registers (or re-parameterises) the caller as a transcoder. The caller must be self-bonded.
    /// If not yet in the pool it joins it (evicting the smallest member when the pool is full and the
    /// caller has more stake) and becomes active from the next round.
    function transcoder(uint256 rewardCut, uint256 feeShare) external whenRoundInitialized {
        require(rewardCut <= PERC_DIVISOR, "invalid rewardCut percentage");
        require(feeShare <= PERC_DIVISOR, "invalid feeShare percentage");
        require(isRegisteredTranscoder(msg.sender), "transcoder must be registered");

        Transcoder storage t = transcoders[msg.sender];
        t.rewardCut = rewardCut;
        t.feeShare = feeShare;
        uint256 round = roundsManager().currentRound();

        if (!pool[msg.sender].inPool) {
            _tryToJoinActiveSet(msg.sender, t.delegatedAmount, round);
        }
        _checkpoint(msg.sender, round);
        emit TranscoderUpdate(msg.sender, rewardCut, feeShare);
    }

    /// Devnet extension: leave the pool explicitly; inactive from the next round.
    function resignTranscoder() external whenRoundInitialized {
        require(pool[msg.sender].inPool, "transcoder is not in the pool");
        _resign(msg.sender, roundsManager().currentRound());
    }

    /// Called by the TicketBroker for every winning ticket: the value (already sent to the Minter) is
    /// credited to the transcoder's fee pool of the current round (LIP-36), split by its feeShare.
    function updateTranscoderWithFees(address transcoderAddr, uint256 fees, uint256 round) external {
        require(msg.sender == controller.getContract(ID_TICKET_BROKER), "caller must be TicketBroker");
        require(isRegisteredTranscoder(transcoderAddr), "transcoder must be registered");
        uint256 currentRound = roundsManager().currentRound();
        Transcoder storage t = transcoders[transcoderAddr];
        feesForRound[transcoderAddr][round] += fees;

        (uint256 stake, , uint256 feeShare) = _poolAt(transcoderAddr, currentRound);
        if (stake == 0) {
            // Nobody's stake is in this round's pool (it registered this round): the transcoder keeps it all.
            t.cumulativeFees += fees;
        } else {
            // Rewards the transcoder earned but has not claimed are part of the pool's stake and earn
            // fees for the transcoder; until it calls reward() this round, that is all of them.
            uint256 activeRewards = currentRound > t.lastRewardRound ? t.cumulativeRewards : t.activeCumulativeRewards;
            uint256 delegatorsFees = (fees * feeShare) / PERC_DIVISOR;
            t.cumulativeFees += _precisePercOf(delegatorsFees, activeRewards, stake) + (fees - delegatorsFees);

            Factors memory prev = _latestFactors(transcoderAddr, currentRound - 1);
            uint256 prevRewardFactor = prev.cumulativeRewardFactor == 0 ? PRECISE_UNIT : prev.cumulativeRewardFactor;
            Factors storage f = factors[transcoderAddr][currentRound];
            uint256 base = f.cumulativeFeeFactor == 0 ? prev.cumulativeFeeFactor : f.cumulativeFeeFactor;
            f.cumulativeFeeFactor = base + _precisePercOf(prevRewardFactor, delegatorsFees, stake);
        }
        t.lastFeeRound = currentRound;
        emit TranscoderFeesUpdated(transcoderAddr, fees, round);
    }

    /// Called by the RoundsManager when a round is initialized: the pool's stake becomes the round's active stake.
    function setCurrentRoundTotalActiveStake() external {
        require(msg.sender == controller.getContract(ID_ROUNDS_MANAGER), "caller must be RoundsManager");
        currentRoundTotalActiveStake = nextRoundTotalActiveStake;
        address votes = controller.getContract(ID_BONDING_VOTES);
        if (votes != address(0)) {
            IBondingVotes(votes).checkpointTotalActiveStake(currentRoundTotalActiveStake, roundsManager().currentRound());
        }
    }

    // ---------------------------------------------------------------- views

    function delegatorStatus(address addr) public view returns (DelegatorStatus) {
        Delegator storage del = delegators[addr];
        if (del.bondedAmount == 0) {
            return DelegatorStatus.Unbonded;
        }
        if (del.startRound > roundsManager().currentRound()) {
            return DelegatorStatus.Pending;
        }
        return DelegatorStatus.Bonded;
    }

    /// Bonded stake including rewards not yet claimed; `endRound` is ignored (the current round is used).
    function pendingStake(address addr, uint256 endRound) external view returns (uint256 stake) {
        endRound;
        (stake, ) = _pendingStakeAndFees(addr, roundsManager().currentRound());
    }

    /// Fees including those not yet claimed; `endRound` is ignored (the current round is used).
    function pendingFees(address addr, uint256 endRound) external view returns (uint256 fees) {
        endRound;
        (, fees) = _pendingStakeAndFees(addr, roundsManager().currentRound());
    }

    function isValidUnbondingLock(address addr, uint256 unbondingLockId) public view returns (bool) {
        return unbondingLocks[addr][unbondingLockId].withdrawRound > 0;
    }

    /// Total active stake of the current round (Livepeer's name).
    function getTotalBonded() external view returns (uint256) {
        return currentRoundTotalActiveStake;
    }

    function isRegisteredTranscoder(address addr) public view returns (bool) {
        Delegator storage del = delegators[addr];
        return del.delegateAddress == addr && del.bondedAmount > 0;
    }

    /// 0 = NotRegistered, 1 = Registered (self-bonded with stake).
    function transcoderStatus(address addr) external view returns (uint8) {
        return isRegisteredTranscoder(addr) ? 1 : 0;
    }

    function isActiveTranscoder(address addr) public view returns (bool) {
        Transcoder storage t = transcoders[addr];
        uint256 round = roundsManager().currentRound();
        return t.activationRound > 0 && t.activationRound <= round && round < t.deactivationRound;
    }

    function transcoderTotalStake(address addr) external view returns (uint256) {
        return transcoders[addr].delegatedAmount;
    }

    /// Field order of Livepeer's getTranscoder.
    function getTranscoder(address addr)
        external
        view
        returns (
            uint256 lastRewardRound,
            uint256 rewardCut,
            uint256 feeShare,
            uint256 lastActiveStakeUpdateRound,
            uint256 activationRound,
            uint256 deactivationRound,
            uint256 activeCumulativeRewards,
            uint256 cumulativeRewards,
            uint256 cumulativeFees,
            uint256 lastFeeRound
        )
    {
        Transcoder storage t = transcoders[addr];
        StakeCheckpoint[] storage cps = checkpoints[addr];
        lastRewardRound = t.lastRewardRound;
        rewardCut = t.rewardCut;
        feeShare = t.feeShare;
        lastActiveStakeUpdateRound = cps.length == 0 ? 0 : cps[cps.length - 1].round;
        activationRound = t.activationRound;
        deactivationRound = t.deactivationRound;
        activeCumulativeRewards = t.activeCumulativeRewards;
        cumulativeRewards = t.cumulativeRewards;
        cumulativeFees = t.cumulativeFees;
        lastFeeRound = t.lastFeeRound;
    }

    /// totalStake/rewardCut/feeShare in effect in `round` (the latest change made before it) and the
    /// round's LIP-36 factors as stored (0 when nothing recorded them in that round, as in Livepeer).
    function getTranscoderEarningsPoolForRound(address addr, uint256 round)
        external
        view
        returns (
            uint256 totalStake,
            uint256 transcoderRewardCut,
            uint256 transcoderFeeShare,
            uint256 cumulativeRewardFactor,
            uint256 cumulativeFeeFactor
        )
    {
        (totalStake, transcoderRewardCut, transcoderFeeShare) = _poolAt(addr, round);
        Factors storage f = factors[addr][round];
        cumulativeRewardFactor = f.cumulativeRewardFactor;
        cumulativeFeeFactor = f.cumulativeFeeFactor;
    }

    /// Fees credited through updateTranscoderWithFees for tickets created in `round` (devnet extension).
    function transcoderFeesForRound(address addr, uint256 round) external view returns (uint256) {
        return feesForRound[addr][round];
    }

    /// Livepeer's getDelegator field order.
    function getDelegator(address addr)
        external
        view
        returns (
            uint256 bondedAmount,
            uint256 fees,
            address delegateAddress,
            uint256 delegatedAmount,
            uint256 startRound,
            uint256 lastClaimRound,
            uint256 nextUnbondingLockId
        )
    {
        Delegator storage del = delegators[addr];
        return (
            del.bondedAmount,
            del.fees,
            del.delegateAddress,
            transcoders[addr].delegatedAmount,
            del.startRound,
            del.lastClaimRound,
            del.nextUnbondingLockId
        );
    }

    function getDelegatorUnbondingLock(address addr, uint256 unbondingLockId)
        external
        view
        returns (uint256 amount, uint256 withdrawRound)
    {
        UnbondingLock storage lock = unbondingLocks[addr][unbondingLockId];
        return (lock.amount, lock.withdrawRound);
    }

    function getTranscoderPoolSize() external view returns (uint256) {
        return poolSize;
    }

    function getTranscoderPoolMaxSize() external view returns (uint256) {
        return poolMaxSize;
    }

    function getFirstTranscoderInPool() external view returns (address) {
        return poolHead;
    }

    function getNextTranscoderInPool(address addr) external view returns (address) {
        return pool[addr].next;
    }

    function isInTranscoderPool(address addr) external view returns (bool) {
        return pool[addr].inPool;
    }

    // ---------------------------------------------------------------- internals

    // ---------------------------------------------------------------- earnings (LIP-36)

    /// a * (num / den), with the fraction first truncated to 1e27 precision (Livepeer's PreciseMathUtils).
    function _precisePercOf(uint256 a, uint256 num, uint256 den) private pure returns (uint256) {
        return (a * ((num * PRECISE_UNIT) / den)) / PRECISE_UNIT;
    }

    /// The factors in effect at the end of `round`: that round's, or else those of the last reward/fee
    /// round before it.
    function _latestFactors(address addr, uint256 round) private view returns (Factors memory f) {
        Transcoder storage t = transcoders[addr];
        f = factors[addr][round];
        if (f.cumulativeRewardFactor == 0 && t.lastRewardRound < round) {
            f.cumulativeRewardFactor = factors[addr][t.lastRewardRound].cumulativeRewardFactor;
        }
        if (f.cumulativeFeeFactor == 0 && t.lastFeeRound < round) {
            f.cumulativeFeeFactor = factors[addr][t.lastFeeRound].cumulativeFeeFactor;
        }
    }

    /// Stores the factors in effect in `round` for that round, so that a delegator whose last claim is
    /// `round` finds its starting point there.
    function _ensureFactorsRecorded(address addr, uint256 round) private {
        Factors storage f = factors[addr][round];
        Transcoder storage t = transcoders[addr];
        if (f.cumulativeRewardFactor == 0 && t.lastRewardRound < round) {
            f.cumulativeRewardFactor = factors[addr][t.lastRewardRound].cumulativeRewardFactor;
        }
        if (f.cumulativeFeeFactor == 0 && t.lastFeeRound < round) {
            f.cumulativeFeeFactor = factors[addr][t.lastFeeRound].cumulativeFeeFactor;
        }
    }

    function _updateTranscoderWithRewards(address addr, uint256 rewards, uint256 round, uint256 stake, uint256 rewardCut)
        private
    {
        Transcoder storage t = transcoders[addr];
        uint256 lastRewardFactor = factors[addr][t.lastRewardRound].cumulativeRewardFactor;
        // Keep the factor in effect before this reward readable as the previous round's, for fees that
        // arrive later in this round (Livepeer reconstructs it instead).
        if (t.lastRewardRound < round - 1 && factors[addr][round - 1].cumulativeRewardFactor == 0) {
            factors[addr][round - 1].cumulativeRewardFactor = lastRewardFactor;
        }
        uint256 prevRewardFactor = lastRewardFactor == 0 ? PRECISE_UNIT : lastRewardFactor;

        t.activeCumulativeRewards = t.cumulativeRewards;
        uint256 commission = (rewards * rewardCut) / PERC_DIVISOR;
        uint256 delegatorsRewards = rewards - commission;
        if (stake > 0) {
            // The transcoder's unclaimed rewards are stake too: their share of the delegators' part is its own.
            t.cumulativeRewards += _precisePercOf(delegatorsRewards, t.activeCumulativeRewards, stake) + commission;
            factors[addr][round].cumulativeRewardFactor =
                prevRewardFactor + _precisePercOf(prevRewardFactor, delegatorsRewards, stake);
        } else {
            t.cumulativeRewards += rewards;
        }
        _increaseTotalStake(addr, rewards);
    }

    /// A delegator's bond and fees with its earnings since its last claim up to `endRound`.
    function _pendingStakeAndFees(address addr, uint256 endRound) private view returns (uint256 stake, uint256 fees) {
        Delegator storage del = delegators[addr];
        stake = del.bondedAmount;
        fees = del.fees;
        address delegate = del.delegateAddress;
        if (delegate == address(0)) {
            return (stake, fees);
        }
        if (del.lastClaimRound < endRound) {
            Factors memory start = factors[delegate][del.lastClaimRound];
            Factors memory end_ = _latestFactors(delegate, endRound);
            uint256 startRewardFactor = start.cumulativeRewardFactor == 0 ? PRECISE_UNIT : start.cumulativeRewardFactor;
            uint256 endRewardFactor = end_.cumulativeRewardFactor == 0 ? PRECISE_UNIT : end_.cumulativeRewardFactor;
            fees += _precisePercOf(stake, end_.cumulativeFeeFactor - start.cumulativeFeeFactor, startRewardFactor);
            stake = _precisePercOf(stake, endRewardFactor, startRewardFactor);
        }
        if (delegate == addr) {
            // The transcoder's commission and its earnings on unclaimed rewards.
            Transcoder storage t = transcoders[addr];
            stake += t.cumulativeRewards;
            fees += t.cumulativeFees;
        }
    }

    function _autoClaimEarnings(address addr, uint256 round) private {
        Delegator storage del = delegators[addr];
        uint256 lastClaimRound = del.lastClaimRound;
        if (lastClaimRound >= round) {
            return;
        }
        (uint256 stake, uint256 fees) = _pendingStakeAndFees(addr, round);
        address delegate = del.delegateAddress;
        if (delegate != address(0)) {
            _ensureFactorsRecorded(delegate, round);
            if (delegate == addr) {
                Transcoder storage t = transcoders[addr];
                t.cumulativeRewards = 0;
                t.cumulativeFees = 0;
            }
        }
        emit EarningsClaimed(delegate, addr, stake - del.bondedAmount, fees - del.fees, lastClaimRound + 1, round);
        del.lastClaimRound = round;
        del.bondedAmount = stake;
        del.fees = fees;
    }

    function _processRebond(address delegator, uint256 unbondingLockId) private {
        require(isValidUnbondingLock(delegator, unbondingLockId), "invalid unbonding lock ID");
        Delegator storage del = delegators[delegator];
        uint256 amount = unbondingLocks[delegator][unbondingLockId].amount;
        delete unbondingLocks[delegator][unbondingLockId];
        del.bondedAmount += amount;
        address delegate = del.delegateAddress;
        _increaseTotalStake(delegate, amount);
        emit Rebond(delegate, delegator, unbondingLockId, amount);
        _checkpointVotes(delegator);
    }

    /// A pool member is re-sorted; a registered transcoder outside the pool tries to join it.
    function _increaseTotalStake(address addr, uint256 amount) private {
        Transcoder storage t = transcoders[addr];
        uint256 newStake = t.delegatedAmount + amount;
        if (isRegisteredTranscoder(addr)) {
            if (pool[addr].inPool) {
                _poolRemove(addr);
                _poolInsert(addr, newStake);
                nextRoundTotalActiveStake += amount;
            } else {
                _tryToJoinActiveSet(addr, newStake, roundsManager().currentRound());
            }
        }
        t.delegatedAmount = newStake;
        _checkpoint(addr, roundsManager().currentRound());
        _checkpointVotes(addr);
    }

    function _decreaseTotalStake(address addr, uint256 amount) private {
        Transcoder storage t = transcoders[addr];
        uint256 newStake = t.delegatedAmount - amount;
        if (pool[addr].inPool) {
            _poolRemove(addr);
            _poolInsert(addr, newStake);
            nextRoundTotalActiveStake -= amount;
        }
        t.delegatedAmount = newStake;
        _checkpoint(addr, roundsManager().currentRound());
        _checkpointVotes(addr);
    }

    /// Joins the pool from the next round, evicting its smallest member when it is full and has less stake.
    function _tryToJoinActiveSet(address addr, uint256 stake, uint256 round) private {
        if (poolSize >= poolMaxSize) {
            address last = poolTail;
            uint256 lastStake = pool[last].key;
            if (stake <= lastStake) {
                return;
            }
            _resign(last, round);
        }
        _poolInsert(addr, stake);
        nextRoundTotalActiveStake += stake;
        Transcoder storage t = transcoders[addr];
        t.activationRound = round + 1;
        t.deactivationRound = type(uint256).max;
        emit TranscoderActivated(addr, round + 1);
    }

    /// Hands the account's bonding state to BondingVotes (governance voting power), as from the next round.
    function _checkpointVotes(address addr) private {
        address votes = controller.getContract(ID_BONDING_VOTES);
        if (votes == address(0)) {
            return;
        }
        Delegator storage del = delegators[addr];
        Transcoder storage t = transcoders[addr];
        IBondingVotes(votes).checkpointBondingState(
            addr,
            roundsManager().currentRound() + 1,
            del.bondedAmount,
            del.delegateAddress,
            t.delegatedAmount,
            del.lastClaimRound,
            t.lastRewardRound
        );
    }

    /// Stake and commission in effect in `round`: the latest record made before it.
    function _poolAt(address addr, uint256 round) private view returns (uint256, uint256, uint256) {
        StakeCheckpoint[] storage cps = checkpoints[addr];
        uint256 lo = 0;
        uint256 hi = cps.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (cps[mid].round <= round) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == 0) {
            return (0, 0, 0);
        }
        StakeCheckpoint storage cp = cps[lo - 1];
        return (cp.totalStake, cp.rewardCut, cp.feeShare);
    }

    /// Records the transcoder's stake and parameters as effective from round + 1.
    function _checkpoint(address addr, uint256 round) private {
        Transcoder storage t = transcoders[addr];
        StakeCheckpoint[] storage cps = checkpoints[addr];
        uint256 effective = round + 1;
        if (cps.length > 0 && cps[cps.length - 1].round == effective) {
            StakeCheckpoint storage last = cps[cps.length - 1];
            last.totalStake = t.delegatedAmount;
            last.rewardCut = t.rewardCut;
            last.feeShare = t.feeShare;
        } else {
            cps.push(StakeCheckpoint(effective, t.delegatedAmount, t.rewardCut, t.feeShare));
        }
    }

    function _resign(address addr, uint256 round) private {
        _poolRemove(addr);
        nextRoundTotalActiveStake -= transcoders[addr].delegatedAmount;
        transcoders[addr].deactivationRound = round + 1;
        emit TranscoderDeactivated(addr, round + 1);
    }

    /// Inserts before the first node with a strictly smaller key (ties keep arrival order).
    function _poolInsert(address addr, uint256 key) private {
        address cur = poolHead;
        while (cur != address(0) && pool[cur].key >= key) {
            cur = pool[cur].next;
        }
        PoolNode storage node = pool[addr];
        node.key = key;
        node.inPool = true;
        if (cur == address(0)) {
            node.prev = poolTail;
            node.next = address(0);
            if (poolTail != address(0)) {
                pool[poolTail].next = addr;
            } else {
                poolHead = addr;
            }
            poolTail = addr;
        } else {
            address before = pool[cur].prev;
            node.prev = before;
            node.next = cur;
            pool[cur].prev = addr;
            if (before != address(0)) {
                pool[before].next = addr;
            } else {
                poolHead = addr;
            }
        }
        poolSize++;
    }

    function _poolRemove(address addr) private {
        PoolNode storage node = pool[addr];
        address prev = node.prev;
        address next = node.next;
        if (prev != address(0)) {
            pool[prev].next = next;
        } else {
            poolHead = next;
        }
        if (next != address(0)) {
            pool[next].prev = prev;
        } else {
            poolTail = prev;
        }
        delete pool[addr];
        poolSize--;
    }
}
