// SPDX-License-Identifier: MIT
// StreamGateway devnet contracts (own code; see Interfaces.sol header).
pragma solidity ^0.8.20;

import "./Interfaces.sol";

/// Probabilistic-micropayment ticket broker with Livepeer's ticket format, hash, signature and
/// win rules.
///
/// Funds go to the Minter (depositETH) as in Livepeer; withdraw() asks the Minter to pay the sender
/// back, and a winning ticket's value is credited to the recipient's fee pool in the BondingManager
/// (updateTranscoderWithFees), from which the orchestrator and its delegators claim and withdraw it.
///
/// Devnet choices (differences from Livepeer):
/// - Reserve: one pot per sender (`fundsRemaining`). In any round an active transcoder may claim up to
///   (fundsRemaining + claimedInCurrentRound) / poolSize minus what it already claimed from that sender
///   in that round; non-active recipients cannot claim reserve. There is no pause switch.
contract TicketBroker is Managed {
    struct Ticket {
        address recipient;
        address sender;
        uint256 faceValue;
        uint256 winProb;
        uint256 senderNonce;
        bytes32 recipientRandHash;
        bytes auxData;
    }

    struct Sender {
        uint256 deposit;
        uint256 withdrawRound;
    }

    struct ReserveInfo {
        uint256 fundsRemaining;
        uint256 claimedInCurrentRound;
    }

    struct Reserve {
        uint256 funds;
        mapping(uint256 => uint256) claimedForRound;
        mapping(uint256 => mapping(address => uint256)) claimedByAddress;
    }

    // secp256k1n / 2: signatures with a larger s are rejected (malleability rule)
    uint256 private constant HALF_CURVE_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    uint256 public unlockPeriod;
    uint256 public ticketValidityPeriod;

    mapping(address => Sender) private senders;
    mapping(address => Reserve) private reserves;
    mapping(bytes32 => bool) public usedTickets;

    event DepositFunded(address indexed sender, uint256 amount);
    event ReserveFunded(address indexed reserveHolder, uint256 amount);
    event ReserveClaimed(address indexed reserveHolder, address claimant, uint256 amount);
    event WinningTicketRedeemed(
        address indexed sender,
        address indexed recipient,
        uint256 faceValue,
        uint256 winProb,
        uint256 senderNonce,
        uint256 recipientRand,
        bytes auxData
    );
    event WinningTicketTransfer(address indexed sender, address indexed recipient, uint256 amount);
    event Unlock(address indexed sender, uint256 startRound, uint256 endRound);
    event UnlockCancelled(address indexed sender);
    event Withdrawal(address indexed sender, uint256 deposit, uint256 reserve);

    constructor(address controller_, uint256 unlockPeriod_, uint256 ticketValidityPeriod_) Managed(controller_) {
        require(ticketValidityPeriod_ > 0, "ticketValidityPeriod must be greater than 0");
        unlockPeriod = unlockPeriod_;
        ticketValidityPeriod = ticketValidityPeriod_;
    }

    // ---------------------------------------------------------------- parameters

    function setUnlockPeriod(uint256 period) external onlyControllerOwner {
        unlockPeriod = period;
        emit ParameterUpdate("unlockPeriod");
    }

    function setTicketValidityPeriod(uint256 period) external onlyControllerOwner {
        require(period > 0, "ticketValidityPeriod must be greater than 0");
        ticketValidityPeriod = period;
        emit ParameterUpdate("ticketValidityPeriod");
    }

    // ---------------------------------------------------------------- funding

    function fundDeposit() external payable {
        _cancelUnlockIfInProgress(msg.sender);
        _addDeposit(msg.sender, msg.value);
        _processFunding(msg.value);
    }

    function fundReserve() external payable {
        _cancelUnlockIfInProgress(msg.sender);
        _addReserve(msg.sender, msg.value);
        _processFunding(msg.value);
    }

    function fundDepositAndReserve(uint256 depositAmount, uint256 reserveAmount) external payable {
        require(msg.value == depositAmount + reserveAmount, "msg.value does not equal sum of deposit amount and reserve amount");
        _cancelUnlockIfInProgress(msg.sender);
        _addDeposit(msg.sender, depositAmount);
        _addReserve(msg.sender, reserveAmount);
        _processFunding(msg.value);
    }

    /// Funds someone else's deposit and reserve; their unlock (if any) is left as it is.
    function fundDepositAndReserveFor(address addr, uint256 depositAmount, uint256 reserveAmount) external payable {
        require(addr != address(0), "sender is null address");
        require(msg.value == depositAmount + reserveAmount, "msg.value does not equal sum of deposit amount and reserve amount");
        _addDeposit(addr, depositAmount);
        _addReserve(addr, reserveAmount);
        _processFunding(msg.value);
    }

    // ---------------------------------------------------------------- unlock / withdraw

    function unlock() external {
        Sender storage s = senders[msg.sender];
        require(s.deposit > 0 || reserves[msg.sender].funds > 0, "sender deposit and reserve are zero");
        require(s.withdrawRound == 0, "unlock already initiated");
        uint256 round = roundsManager().currentRound();
        s.withdrawRound = round + unlockPeriod;
        emit Unlock(msg.sender, round, s.withdrawRound);
    }

    function cancelUnlock() external {
        require(senders[msg.sender].withdrawRound > 0, "no unlock request in progress");
        _cancelUnlock(msg.sender);
    }

    function withdraw() external {
        Sender storage s = senders[msg.sender];
        Reserve storage r = reserves[msg.sender];
        uint256 depositAmount = s.deposit;
        uint256 reserveAmount = r.funds;
        require(depositAmount > 0 || reserveAmount > 0, "sender deposit and reserve are zero");
        require(s.withdrawRound > 0, "no unlock request in progress");
        require(s.withdrawRound <= roundsManager().currentRound(), "account is locked");

        s.deposit = 0;
        s.withdrawRound = 0;
        r.funds = 0;
        emit Withdrawal(msg.sender, depositAmount, reserveAmount);
        minter().trustedWithdrawETH(payable(msg.sender), depositAmount + reserveAmount);
    }

    // ---------------------------------------------------------------- redemption

    function redeemWinningTicket(Ticket memory ticket, bytes memory sig, uint256 recipientRand)
        public
        whenRoundInitialized
    {
        bytes32 ticketHash = getTicketHash(ticket);
        _validateTicket(ticket, ticketHash, sig, recipientRand);

        Sender storage s = senders[ticket.sender];
        require(s.withdrawRound == 0 || roundsManager().currentRound() < s.withdrawRound, "sender is unlocked");
        require(s.deposit > 0 || reserves[ticket.sender].funds > 0, "sender deposit and reserve are zero");

        usedTickets[ticketHash] = true;

        uint256 amount;
        if (ticket.faceValue > s.deposit) {
            amount = s.deposit + _claimFromReserve(ticket.sender, ticket.recipient, ticket.faceValue - s.deposit);
            s.deposit = 0;
        } else {
            amount = ticket.faceValue;
            s.deposit -= ticket.faceValue;
        }

        if (amount > 0) {
            (uint256 creationRound, ) = _auxData(ticket.auxData);
            bondingManager().updateTranscoderWithFees(ticket.recipient, amount, creationRound);
            emit WinningTicketTransfer(ticket.sender, ticket.recipient, amount);
        }

        emit WinningTicketRedeemed(
            ticket.sender,
            ticket.recipient,
            ticket.faceValue,
            ticket.winProb,
            ticket.senderNonce,
            recipientRand,
            ticket.auxData
        );
    }

    /// Redeems each ticket in its own sub-call; a failing ticket is skipped. Callers should give an
    /// explicit gas limit: gas estimation may settle on a limit at which the sub-calls fail silently.
    function batchRedeemWinningTickets(Ticket[] memory tickets, bytes[] memory sigs, uint256[] memory recipientRands)
        external
        whenRoundInitialized
    {
        require(tickets.length == sigs.length && tickets.length == recipientRands.length, "array lengths differ");
        for (uint256 i = 0; i < tickets.length; i++) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, ) = address(this).call(
                abi.encodeWithSelector(this.redeemWinningTicket.selector, tickets[i], sigs[i], recipientRands[i])
            );
            ok; // individual failures are ignored
        }
    }

    // ---------------------------------------------------------------- views

    /// keccak256 of the 232-byte packed encoding used by go-livepeer (auxData included as raw bytes).
    function getTicketHash(Ticket memory ticket) public pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(
                ticket.recipient,
                ticket.sender,
                ticket.faceValue,
                ticket.winProb,
                ticket.senderNonce,
                ticket.recipientRandHash,
                ticket.auxData
            )
        );
    }

    function getSenderInfo(address addr) external view returns (Sender memory sender, ReserveInfo memory reserve) {
        sender = senders[addr];
        reserve = getReserveInfo(addr);
    }

    function getReserveInfo(address addr) public view returns (ReserveInfo memory info) {
        Reserve storage r = reserves[addr];
        info.fundsRemaining = r.funds;
        info.claimedInCurrentRound = r.claimedForRound[roundsManager().currentRound()];
    }

    function isUnlockInProgress(address addr) public view returns (bool) {
        return senders[addr].withdrawRound > 0;
    }

    /// Amount `claimant` has claimed from `reserveHolder`'s reserve in the current round.
    function claimedReserve(address reserveHolder, address claimant) external view returns (uint256) {
        return reserves[reserveHolder].claimedByAddress[roundsManager().currentRound()][claimant];
    }

    /// Amount `claimant` may still claim from `reserveHolder`'s reserve in the current round.
    function claimableReserve(address reserveHolder, address claimant) public view returns (uint256) {
        IBondingManager bm = bondingManager();
        if (!bm.isActiveTranscoder(claimant)) {
            return 0;
        }
        uint256 poolSize = bm.getTranscoderPoolSize();
        if (poolSize == 0) {
            return 0;
        }
        Reserve storage r = reserves[reserveHolder];
        uint256 round = roundsManager().currentRound();
        uint256 allocation = (r.funds + r.claimedForRound[round]) / poolSize;
        uint256 claimed = r.claimedByAddress[round][claimant];
        return allocation > claimed ? allocation - claimed : 0;
    }

    // ---------------------------------------------------------------- internals

    function _validateTicket(Ticket memory ticket, bytes32 ticketHash, bytes memory sig, uint256 recipientRand)
        private
        view
    {
        require(ticket.recipient != address(0), "ticket recipient is null address");
        require(ticket.sender != address(0), "ticket sender is null address");

        require(ticket.auxData.length == 64, "invalid length for ticket auxData: must be 64 bytes");
        (uint256 creationRound, bytes32 creationRoundBlockHash) = _auxData(ticket.auxData);
        IRoundsManager rm = roundsManager();
        bytes32 blockHash = rm.blockHashForRound(creationRound);
        require(blockHash != bytes32(0), "ticket creationRound does not have a block hash");
        require(creationRoundBlockHash == blockHash, "ticket creationRoundBlockHash invalid for creationRound");
        require(creationRound + ticketValidityPeriod > rm.currentRound(), "ticket is expired");

        require(keccak256(abi.encodePacked(recipientRand)) == ticket.recipientRandHash, "recipientRand does not match recipientRandHash");
        require(!usedTickets[ticketHash], "ticket is used");
        require(_isValidSignature(ticket.sender, ticketHash, sig), "invalid signature over ticket hash");
        require(uint256(keccak256(abi.encodePacked(sig, recipientRand))) < ticket.winProb, "ticket did not win");
    }

    /// EIP-191 personal-sign over the 32-byte ticket hash: 65 bytes r||s||v, v in {27,28}, s <= n/2.
    function _isValidSignature(address signer, bytes32 hash, bytes memory sig) private pure returns (bool) {
        if (sig.length != 65) {
            return false;
        }
        bytes32 r;
        bytes32 s;
        uint8 v;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            r := mload(add(sig, 32))
            s := mload(add(sig, 64))
            v := byte(0, mload(add(sig, 96)))
        }
        if (uint256(s) > HALF_CURVE_ORDER || (v != 27 && v != 28)) {
            return false;
        }
        bytes32 digest = keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", hash));
        address recovered = ecrecover(digest, v, r, s);
        return recovered != address(0) && recovered == signer;
    }

    function _auxData(bytes memory auxData) private pure returns (uint256 creationRound, bytes32 blockHash) {
        if (auxData.length < 64) {
            return (0, bytes32(0));
        }
        // solhint-disable-next-line no-inline-assembly
        assembly {
            creationRound := mload(add(auxData, 32))
            blockHash := mload(add(auxData, 64))
        }
    }

    function _claimFromReserve(address reserveHolder, address claimant, uint256 amount) private returns (uint256) {
        uint256 claimable = claimableReserve(reserveHolder, claimant);
        uint256 claimAmount = amount > claimable ? claimable : amount;
        if (claimAmount == 0) {
            return 0;
        }
        Reserve storage r = reserves[reserveHolder];
        uint256 round = roundsManager().currentRound();
        r.claimedForRound[round] += claimAmount;
        r.claimedByAddress[round][claimant] += claimAmount;
        r.funds -= claimAmount;
        emit ReserveClaimed(reserveHolder, claimant, claimAmount);
        return claimAmount;
    }

    function _addDeposit(address addr, uint256 amount) private {
        if (amount == 0) {
            return;
        }
        senders[addr].deposit += amount;
        emit DepositFunded(addr, amount);
    }

    function _addReserve(address addr, uint256 amount) private {
        if (amount == 0) {
            return;
        }
        reserves[addr].funds += amount;
        emit ReserveFunded(addr, amount);
    }

    function _cancelUnlockIfInProgress(address addr) private {
        if (senders[addr].withdrawRound > 0) {
            _cancelUnlock(addr);
        }
    }

    function _cancelUnlock(address addr) private {
        senders[addr].withdrawRound = 0;
        emit UnlockCancelled(addr);
    }

    /// The ETH itself is kept by the Minter, as in Livepeer.
    function _processFunding(uint256 amount) private {
        if (amount > 0) {
            minter().depositETH{value: amount}();
        }
    }
}
