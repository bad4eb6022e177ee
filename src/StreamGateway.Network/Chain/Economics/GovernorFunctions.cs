using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace StreamGateway.Network.Chain.Economics;

// LivepeerGovernor's calls (OpenZeppelin's Governor shapes, as Livepeer's governor on Arbitrum One): proposals are
// identified by hashProposal(targets, values, calldatas, keccak256(description)); votes are 0 against, 1 for,
// 2 abstain; state is OpenZeppelin's ProposalState.

[Function("propose", "uint256")]
public sealed class ProposeFunction : FunctionMessage
{
    [Parameter("address[]", "targets", 1)] public List<string> Targets { get; set; } = [];
    [Parameter("uint256[]", "values", 2)] public List<BigInteger> Values { get; set; } = [];
    [Parameter("bytes[]", "calldatas", 3)] public List<byte[]> Calldatas { get; set; } = [];
    [Parameter("string", "description", 4)] public string Description { get; set; } = "";
}

[Function("hashProposal", "uint256")]
public sealed class HashProposalFunction : FunctionMessage
{
    [Parameter("address[]", "targets", 1)] public List<string> Targets { get; set; } = [];
    [Parameter("uint256[]", "values", 2)] public List<BigInteger> Values { get; set; } = [];
    [Parameter("bytes[]", "calldatas", 3)] public List<byte[]> Calldatas { get; set; } = [];
    [Parameter("bytes32", "descriptionHash", 4)] public byte[] DescriptionHash { get; set; } = [];
}

[Function("execute", "uint256")]
public sealed class ExecuteFunction : FunctionMessage
{
    [Parameter("address[]", "targets", 1)] public List<string> Targets { get; set; } = [];
    [Parameter("uint256[]", "values", 2)] public List<BigInteger> Values { get; set; } = [];
    [Parameter("bytes[]", "calldatas", 3)] public List<byte[]> Calldatas { get; set; } = [];
    [Parameter("bytes32", "descriptionHash", 4)] public byte[] DescriptionHash { get; set; } = [];
}

[Function("castVote", "uint256")]
public sealed class CastVoteFunction : FunctionMessage
{
    [Parameter("uint256", "proposalId", 1)] public BigInteger ProposalId { get; set; }
    [Parameter("uint8", "support", 2)] public byte Support { get; set; }
}

[Function("state", "uint8")]
public sealed class ProposalStateFunction : FunctionMessage
{
    [Parameter("uint256", "proposalId", 1)] public BigInteger ProposalId { get; set; }
}

[Function("proposalVotes", typeof(ProposalVotes))]
public sealed class ProposalVotesFunction : FunctionMessage
{
    [Parameter("uint256", "proposalId", 1)] public BigInteger ProposalId { get; set; }
}

[FunctionOutput]
public sealed class ProposalVotes : IFunctionOutputDTO
{
    [Parameter("uint256", "againstVotes", 1)] public BigInteger Against { get; set; }
    [Parameter("uint256", "forVotes", 2)] public BigInteger For { get; set; }
    [Parameter("uint256", "abstainVotes", 3)] public BigInteger Abstain { get; set; }
}

[Function("proposalDeadline", "uint256")]
public sealed class ProposalDeadlineFunction : FunctionMessage
{
    [Parameter("uint256", "proposalId", 1)] public BigInteger ProposalId { get; set; }
}

[Function("quorum", "uint256")]
public sealed class QuorumFunction : FunctionMessage
{
    [Parameter("uint256", "timepoint", 1)] public BigInteger Round { get; set; }
}

[Function("quota", "uint256")]
public sealed class QuotaFunction : FunctionMessage;

/// <summary>OpenZeppelin's ProposalState, by number.</summary>
public enum ProposalState
{
    Pending = 0,
    Active = 1,
    Canceled = 2,
    Defeated = 3,
    Succeeded = 4,
    Queued = 5,
    Expired = 6,
    Executed = 7,
}
