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
contract BondingManager is Managed {
    uint256 public constant PERC_DIVISOR = 1000000;

    struct Transcoder {
        uint256 rewardCut;
        uint256 feeShare;
        uint256 activationRound;
        uint256 deactivationRound;
        uint256 cumulativeFees;
        uint256 lastFeeRound;
        uint256 delegatedAmount;
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

    uint256 public unbondingPeriod;
    /// Sum of the pool members' stake, fixed for the current round by initializeRound.
    uint256 public currentRoundTotalActiveStake;
    /// Sum of the pool members' stake as it stands now, i.e. for the next round.
    uint256 public nextRoundTotalActiveStake;

    mapping(address => Transcoder) private transcoders;
    mapping(address => Delegator) private delegators;
    mapping(address => mapping(uint256 => UnbondingLock)) private unbondingLocks;
    mapping(address => StakeCheckpoint[]) private checkpoints;
    mapping(address => mapping(uint256 => uint256)) private feesForRound;

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
    event TranscoderFeesUpdated(address indexed transcoder, uint256 fees, uint256 round);

    constructor(address controller_, uint256 maxPoolSize_, uint256 unbondingPeriod_) Managed(controller_) {
        require(maxPoolSize_ > 0, "pool max size cannot be 0");
        poolMaxSize = maxPoolSize_;
        unbondingPeriod = unbondingPeriod_;
    }

    // ---------------------------------------------------------------- parameters

    function setNumActiveTranscoders(uint256 maxSize) external onlyControllerOwner {
        require(maxSize >= poolSize && maxSize > 0, "new limit must be >= current pool size and > 0");
        poolMaxSize = maxSize;
        emit ParameterUpdate("numActiveTranscoders");
    }

    function setUnbondingPeriod(uint256 period) external onlyControllerOwner {
        unbondingPeriod = period;
        emit ParameterUpdate("unbondingPeriod");
    }

    // ---------------------------------------------------------------- staking

    function bond(uint256 amount, address to) external whenRoundInitialized {
        require(to != address(0), "delegate is null address");
        Delegator storage del = delegators[msg.sender];
        uint256 round = roundsManager().currentRound();
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

        del.delegateAddress = to;
        del.bondedAmount = currentBond + amount;
        _increaseTotalStake(to, delegation);

        if (amount > 0) {
            require(livepeerToken().transferFrom(msg.sender, address(this), amount), "token transfer failed");
        }
        emit Bond(to, oldDelegate, msg.sender, amount, del.bondedAmount);
    }

    function unbond(uint256 amount) external whenRoundInitialized {
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
    }

    /// Puts an unbonding lock's stake back with the caller's current delegate (caller bonded or pending).
    function rebond(uint256 unbondingLockId) external whenRoundInitialized {
        require(delegatorStatus(msg.sender) != DelegatorStatus.Unbonded, "caller must be bonded");
        _processRebond(msg.sender, unbondingLockId);
    }

    /// Puts an unbonding lock's stake back, delegated to `to` (caller fully unbonded).
    function rebondFromUnbonded(address to, uint256 unbondingLockId) external whenRoundInitialized {
        require(delegatorStatus(msg.sender) == DelegatorStatus.Unbonded, "caller must be unbonded");
        require(to != address(0), "delegate is null address");
        Delegator storage del = delegators[msg.sender];
        del.startRound = roundsManager().currentRound() + 1;
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
        require(livepeerToken().transfer(msg.sender, amount), "token transfer failed");
        emit WithdrawStake(msg.sender, unbondingLockId, amount, withdrawRound);
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

    /// Called by the TicketBroker for every winning ticket it pays out.
    function updateTranscoderWithFees(address transcoderAddr, uint256 fees, uint256 round) external {
        require(msg.sender == controller.getContract(ID_TICKET_BROKER), "caller must be TicketBroker");
        Transcoder storage t = transcoders[transcoderAddr];
        t.cumulativeFees += fees;
        t.lastFeeRound = roundsManager().currentRound();
        feesForRound[transcoderAddr][round] += fees;
        emit TranscoderFeesUpdated(transcoderAddr, fees, round);
    }

    /// Called by the RoundsManager when a round is initialized: the pool's stake becomes the round's active stake.
    function setCurrentRoundTotalActiveStake() external {
        require(msg.sender == controller.getContract(ID_ROUNDS_MANAGER), "caller must be RoundsManager");
        currentRoundTotalActiveStake = nextRoundTotalActiveStake;
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

    /// Field order of Livepeer's getTranscoder. Reward-related fields are always 0 here.
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
        lastRewardRound = 0;
        rewardCut = t.rewardCut;
        feeShare = t.feeShare;
        lastActiveStakeUpdateRound = cps.length == 0 ? 0 : cps[cps.length - 1].round;
        activationRound = t.activationRound;
        deactivationRound = t.deactivationRound;
        activeCumulativeRewards = 0;
        cumulativeRewards = 0;
        cumulativeFees = t.cumulativeFees;
        lastFeeRound = t.lastFeeRound;
    }

    /// totalStake/rewardCut/feeShare as recorded for `round`; the reward/fee factors are always 0.
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
        StakeCheckpoint[] storage cps = checkpoints[addr];
        // last checkpoint with cp.round <= round (binary search; checkpoints are in round order)
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
        if (lo > 0) {
            StakeCheckpoint storage cp = cps[lo - 1];
            return (cp.totalStake, cp.rewardCut, cp.feeShare, 0, 0);
        }
        return (0, 0, 0, 0, 0);
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

    function _processRebond(address delegator, uint256 unbondingLockId) private {
        require(isValidUnbondingLock(delegator, unbondingLockId), "invalid unbonding lock ID");
        Delegator storage del = delegators[delegator];
        uint256 amount = unbondingLocks[delegator][unbondingLockId].amount;
        delete unbondingLocks[delegator][unbondingLockId];
        del.bondedAmount += amount;
        address delegate = del.delegateAddress;
        _increaseTotalStake(delegate, amount);
        emit Rebond(delegate, delegator, unbondingLockId, amount);
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
