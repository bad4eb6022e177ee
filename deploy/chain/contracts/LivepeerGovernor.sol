// SPDX-License-Identifier: MIT
// StreamGateway devnet contracts (own code; see Interfaces.sol header).
pragma solidity ^0.8.20;

import "./Interfaces.sol";

/// Stake-weighted proposals with the function names of OpenZeppelin's Governor (as Livepeer's
/// LivepeerGovernor exposes them) and the counting rules of Livepeer's GovernorCountingOverridable:
/// - the clock is the round; a proposal made in round R is voted on in rounds
///   (R + votingDelay, R + votingDelay + votingPeriod] with the voting power of BondingVotes at the
///   snapshot round R + votingDelay;
/// - a transcoder votes with its delegated stake; a delegator that votes itself takes its own power
///   out of its transcoder's vote (whichever of the two votes first);
/// - it passes when for + against + abstain >= quorum (quorumNumerator / PERC_DIVISOR of the total
///   active stake at the snapshot) and for >= quota / PERC_DIVISOR of for + against;
/// - a passed proposal is executed by anyone; the calls come from this contract, which the Controller
///   owner authorises by registering it as "LivepeerGovernor" (parameter setters accept it).
contract LivepeerGovernor is Managed {
    uint256 public constant PERC_DIVISOR = 1000000;

    enum ProposalState {
        Pending,
        Active,
        Canceled,
        Defeated,
        Succeeded,
        Queued,
        Expired,
        Executed
    }

    struct Voter {
        bool hasVoted;
        uint8 support;
        uint256 deductions;
    }

    struct Proposal {
        address proposer;
        uint256 voteStart;
        uint256 voteEnd;
        bool executed;
        uint256 againstVotes;
        uint256 forVotes;
        uint256 abstainVotes;
        mapping(address => Voter) voters;
    }

    uint256 public votingDelay;
    uint256 public votingPeriod;
    uint256 public proposalThreshold;
    uint256 private currentQuorumNumerator;
    uint256 public quota;

    mapping(uint256 => Proposal) private proposals;

    event ProposalCreated(
        uint256 proposalId,
        address proposer,
        address[] targets,
        uint256[] values,
        string[] signatures,
        bytes[] calldatas,
        uint256 voteStart,
        uint256 voteEnd,
        string description
    );
    event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason);
    event ProposalExecuted(uint256 proposalId);

    constructor(
        address controller_,
        uint256 votingDelay_,
        uint256 votingPeriod_,
        uint256 proposalThreshold_,
        uint256 initialQuorum,
        uint256 quota_
    ) Managed(controller_) {
        require(votingPeriod_ > 0, "voting period too low");
        require(initialQuorum <= PERC_DIVISOR && quota_ <= PERC_DIVISOR, "invalid percentage");
        votingDelay = votingDelay_;
        votingPeriod = votingPeriod_;
        proposalThreshold = proposalThreshold_;
        currentQuorumNumerator = initialQuorum;
        quota = quota_;
    }

    // ---------------------------------------------------------------- views

    function name() external pure returns (string memory) {
        return "LivepeerGovernor";
    }

    function COUNTING_MODE() external pure returns (string memory) {
        return "support=bravo&quorum=for,abstain,against";
    }

    function clock() public view returns (uint48) {
        return uint48(roundsManager().currentRound());
    }

    function quorumNumerator() public view returns (uint256) {
        return currentQuorumNumerator;
    }

    /// The numerator has no history here: the current one applies to every round.
    function quorumNumerator(uint256 round) external view returns (uint256) {
        round;
        return currentQuorumNumerator;
    }

    function quorumDenominator() external pure returns (uint256) {
        return PERC_DIVISOR;
    }

    function quorum(uint256 round) public view returns (uint256) {
        return (votes().getPastTotalSupply(round) * currentQuorumNumerator) / PERC_DIVISOR;
    }

    function hashProposal(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(targets, values, calldatas, descriptionHash)));
    }

    function state(uint256 proposalId) public view returns (ProposalState) {
        Proposal storage p = proposals[proposalId];
        require(p.voteStart != 0, "unknown proposal id");
        if (p.executed) {
            return ProposalState.Executed;
        }
        uint256 now_ = clock();
        if (p.voteStart >= now_) {
            return ProposalState.Pending;
        }
        if (p.voteEnd >= now_) {
            return ProposalState.Active;
        }
        return _quorumReached(p) && _voteSucceeded(p) ? ProposalState.Succeeded : ProposalState.Defeated;
    }

    function proposalSnapshot(uint256 proposalId) external view returns (uint256) {
        return proposals[proposalId].voteStart;
    }

    function proposalDeadline(uint256 proposalId) external view returns (uint256) {
        return proposals[proposalId].voteEnd;
    }

    function proposalProposer(uint256 proposalId) external view returns (address) {
        return proposals[proposalId].proposer;
    }

    function proposalVotes(uint256 proposalId)
        external
        view
        returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes)
    {
        Proposal storage p = proposals[proposalId];
        return (p.againstVotes, p.forVotes, p.abstainVotes);
    }

    function hasVoted(uint256 proposalId, address account) external view returns (bool) {
        return proposals[proposalId].voters[account].hasVoted;
    }

    function getVotes(address account, uint256 round) public view returns (uint256) {
        return votes().getPastVotes(account, round);
    }

    // ---------------------------------------------------------------- proposals

    function propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description
    ) external returns (uint256 proposalId) {
        uint256 now_ = clock();
        require(getVotes(msg.sender, now_ - 1) >= proposalThreshold, "proposer votes below proposal threshold");
        require(targets.length == values.length && targets.length == calldatas.length, "invalid proposal length");
        require(targets.length > 0, "empty proposal");
        proposalId = hashProposal(targets, values, calldatas, keccak256(bytes(description)));
        Proposal storage p = proposals[proposalId];
        require(p.voteStart == 0, "proposal already exists");
        p.proposer = msg.sender;
        p.voteStart = now_ + votingDelay;
        p.voteEnd = p.voteStart + votingPeriod;
        emit ProposalCreated(
            proposalId, msg.sender, targets, values, new string[](targets.length), calldatas, p.voteStart, p.voteEnd, description
        );
    }

    /// support: 0 against, 1 for, 2 abstain. Returns the weight counted for the caller.
    function castVote(uint256 proposalId, uint8 support) external returns (uint256) {
        return _castVote(proposalId, support, "");
    }

    function castVoteWithReason(uint256 proposalId, uint8 support, string calldata reason) external returns (uint256) {
        return _castVote(proposalId, support, reason);
    }

    function execute(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) external payable returns (uint256 proposalId) {
        proposalId = hashProposal(targets, values, calldatas, descriptionHash);
        require(state(proposalId) == ProposalState.Succeeded, "proposal not successful");
        proposals[proposalId].executed = true;
        emit ProposalExecuted(proposalId);
        for (uint256 i = 0; i < targets.length; i++) {
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory ret) = targets[i].call{value: values[i]}(calldatas[i]);
            if (!ok) {
                // solhint-disable-next-line no-inline-assembly
                assembly {
                    revert(add(ret, 32), mload(ret))
                }
            }
        }
    }

    // ---------------------------------------------------------------- parameters (owner or a passed proposal)

    function setVotingDelay(uint256 value) external onlyControllerOwner {
        votingDelay = value;
        emit ParameterUpdate("votingDelay");
    }

    function setVotingPeriod(uint256 value) external onlyControllerOwner {
        require(value > 0, "voting period too low");
        votingPeriod = value;
        emit ParameterUpdate("votingPeriod");
    }

    function setProposalThreshold(uint256 value) external onlyControllerOwner {
        proposalThreshold = value;
        emit ParameterUpdate("proposalThreshold");
    }

    function updateQuorumNumerator(uint256 value) external onlyControllerOwner {
        require(value <= PERC_DIVISOR, "invalid percentage");
        currentQuorumNumerator = value;
        emit ParameterUpdate("quorumNumerator");
    }

    function setQuota(uint256 value) external onlyControllerOwner {
        require(value <= PERC_DIVISOR, "invalid percentage");
        quota = value;
        emit ParameterUpdate("quota");
    }

    // ---------------------------------------------------------------- internals

    function votes() private view returns (IBondingVotes) {
        return IBondingVotes(lookup(ID_BONDING_VOTES));
    }

    function _quorumReached(Proposal storage p) private view returns (bool) {
        return p.againstVotes + p.forVotes + p.abstainVotes >= quorum(p.voteStart);
    }

    function _voteSucceeded(Proposal storage p) private view returns (bool) {
        return p.forVotes >= ((p.againstVotes + p.forVotes) * quota) / PERC_DIVISOR;
    }

    function _castVote(uint256 proposalId, uint8 support, string memory reason) private returns (uint256 weight) {
        require(state(proposalId) == ProposalState.Active, "vote not currently active");
        require(support <= 2, "invalid vote type");
        Proposal storage p = proposals[proposalId];
        Voter storage voter = p.voters[msg.sender];
        require(!voter.hasVoted, "vote already cast");
        voter.hasVoted = true;
        voter.support = support;

        IBondingVotes v = votes();
        uint256 snapshot = p.voteStart;
        weight = v.getPastVotes(msg.sender, snapshot);
        address delegate = v.delegatedAt(msg.sender, snapshot);
        if (delegate == msg.sender) {
            // A transcoder: what its delegators already voted themselves is not its to vote.
            weight -= voter.deductions;
        } else if (delegate != address(0) && v.delegatedAt(delegate, snapshot) == delegate) {
            // A delegator overrides its transcoder for its own share.
            Voter storage transcoderVoter = p.voters[delegate];
            transcoderVoter.deductions += weight;
            if (transcoderVoter.hasVoted) {
                _subtract(p, transcoderVoter.support, weight);
            }
        }
        _add(p, support, weight);
        emit VoteCast(msg.sender, proposalId, support, weight, reason);
    }

    function _add(Proposal storage p, uint8 support, uint256 weight) private {
        if (support == 0) {
            p.againstVotes += weight;
        } else if (support == 1) {
            p.forVotes += weight;
        } else {
            p.abstainVotes += weight;
        }
    }

    function _subtract(Proposal storage p, uint8 support, uint256 weight) private {
        if (support == 0) {
            p.againstVotes -= weight;
        } else if (support == 1) {
            p.forVotes -= weight;
        } else {
            p.abstainVotes -= weight;
        }
    }
}
