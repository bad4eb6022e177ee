// Stake-weighted governance: BondingVotes voting power, delegator overrides, quorum and quota, and a passed
// proposal changing a Minter parameter through the Controller's authorisation of the governor.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { TEST_TIMEOUT, setupChain, send, eventsOf } from './helpers.mjs';

const LPT = (n) => ethers.parseEther(String(n));
const [AGAINST, FOR, ABSTAIN] = [0, 1, 2];
const STATE = { Pending: 0n, Active: 1n, Defeated: 3n, Succeeded: 4n, Executed: 7n };

describe('governance', TEST_TIMEOUT, () => {
  let chain, bm, token, minter, gov, votes;
  let O1, O2, D5, D6;
  let a, b; // the two proposals: {targets, values, calldatas, description, id}

  function proposal(target, calldata, description) {
    return { targets: [target], values: [0n], calldatas: [calldata], description, descriptionHash: ethers.id(description) };
  }

  before(async () => {
    chain = await setupChain({ votingDelay: 1, votingPeriod: 2, proposalThresholdLpt: 50n });
    ({ bondingManager: bm, token, minter, governor: gov, bondingVotes: votes } = chain.contracts);
    [O1, O2, D5, D6] = [1, 2, 5, 6].map((i) => chain.keys[i].address);
    for (const i of [1, 2, 5, 6]) await send(chain.as(token, i).approve(bm.target, LPT(1000)));
    // O1: 100 self + 40 from D5 = 140; O2: 60 self + 20 from D6 = 80; 220 active
    await send(chain.as(bm, 1).bond(LPT(100), O1));
    await send(chain.as(bm, 5).bond(LPT(40), O1));
    await send(chain.as(bm, 2).bond(LPT(60), O2));
    await send(chain.as(bm, 6).bond(LPT(20), O2));
    await chain.advanceRound(); // round 2
  });
  after(async () => {
    await chain?.stop();
  });

  it('voting power: transcoders vote their delegated stake, delegators their bond; the total is the active stake', async () => {
    assert.equal(await votes.clock(), 2n);
    assert.equal(await votes.getPastVotes(O1, 1n), LPT(140));
    assert.equal(await votes.getPastVotes(O2, 1n), LPT(80));
    assert.equal(await votes.getPastVotes(D5, 1n), LPT(40));
    assert.equal(await votes.getPastVotes(D6, 1n), LPT(20));
    assert.equal(await votes.delegatedAt(D5, 1n), O1);
    assert.equal(await votes.delegatedAt(O1, 1n), O1);
    assert.equal(await votes.getPastTotalSupply(1n), LPT(220));
    assert.equal(await votes.getPastVotes(chain.keys[7].address, 1n), 0n);
    await assert.rejects(votes.getPastVotes(O1, 2n), /future lookup/);
    // the devnet deployment's parameters for this suite
    assert.equal(await gov.votingDelay(), 1n);
    assert.equal(await gov.votingPeriod(), 2n);
    assert.equal(await gov.proposalThreshold(), LPT(50));
    assert.equal(await gov['quorumNumerator()'](), 333_300n);
    assert.equal(await gov.quota(), 500_000n);
  });

  it('proposals need the threshold; they are pending for votingDelay rounds', async () => {
    a = proposal(minter.target, minter.interface.encodeFunctionData('setTargetBondingRate', [100_000_000n]), 'Target bonding rate 10%');
    b = proposal(minter.target, minter.interface.encodeFunctionData('setInflationChange', [0n]), 'Freeze inflation');
    await assert.rejects(chain.as(gov, 7).propose(a.targets, a.values, a.calldatas, a.description), /proposer votes below proposal threshold/);
    const receipt = await send(chain.as(gov, 1).propose(a.targets, a.values, a.calldatas, a.description));
    const [ev] = eventsOf(gov, receipt, 'ProposalCreated');
    a.id = await gov.hashProposal(a.targets, a.values, a.calldatas, a.descriptionHash);
    assert.equal(ev.args.proposalId, a.id);
    assert.equal(ev.args.proposer, O1);
    assert.equal(ev.args.voteStart, 3n); // round 2 + delay 1
    assert.equal(ev.args.voteEnd, 5n); // + period 2
    await send(chain.as(gov, 2).propose(b.targets, b.values, b.calldatas, b.description));
    b.id = await gov.hashProposal(b.targets, b.values, b.calldatas, b.descriptionHash);
    await assert.rejects(chain.as(gov, 2).propose(b.targets, b.values, b.calldatas, b.description), /proposal already exists/);

    assert.equal(await gov.state(a.id), STATE.Pending);
    await assert.rejects(chain.as(gov, 1).castVote(a.id, FOR), /vote not currently active/);
    await chain.advanceRound(); // round 3 = snapshot: still pending
    assert.equal(await gov.state(a.id), STATE.Pending);
    await chain.advanceRound(); // round 4
    assert.equal(await gov.state(a.id), STATE.Active);
  });

  it('delegators override their orchestrator whichever votes first', async () => {
    const weightOf = async (i, id, support) => eventsOf(gov, await send(chain.as(gov, i).castVote(id, support)), 'VoteCast')[0].args.weight;
    assert.equal(await weightOf(1, a.id, FOR), LPT(140)); // O1 first: all of its delegated stake
    assert.deepEqual([...(await gov.proposalVotes(a.id))], [0n, LPT(140), 0n]);
    assert.equal(await weightOf(5, a.id, AGAINST), LPT(40)); // D5 takes its 40 out of O1's "for"
    assert.deepEqual([...(await gov.proposalVotes(a.id))], [LPT(40), LPT(100), 0n]);
    assert.equal(await weightOf(6, a.id, FOR), LPT(20)); // D6 before O2
    assert.equal(await weightOf(2, a.id, AGAINST), LPT(60)); // O2: 80 less D6's 20
    assert.deepEqual([...(await gov.proposalVotes(a.id))], [LPT(100), LPT(120), 0n]);
    assert.equal(await gov.hasVoted(a.id, D5), true);
    await assert.rejects(chain.as(gov, 5).castVote(a.id, FOR), /vote already cast/);
    await assert.rejects(chain.as(gov, 7).castVote(a.id, 3), /invalid vote type/);

    assert.equal(await weightOf(6, b.id, FOR), LPT(20)); // B: only D6 votes
    assert.equal(await weightOf(7, b.id, ABSTAIN), 0n, 'no stake, no weight');
    // quorum at the snapshot: 33.33% of 220
    assert.equal(await gov.quorum(3n), (LPT(220) * 333_300n) / 1_000_000n);
    assert.equal(await gov.quorum(3n), LPT(73.326));
  });

  it('after the deadline: A passed (220 >= quorum, 120 >= 50% of 220), B failed the quorum (20 < 73.326)', async () => {
    await chain.advanceRound(); // round 5 = deadline: still active
    assert.equal(await gov.state(a.id), STATE.Active);
    await assert.rejects(chain.as(gov, 9).execute(a.targets, a.values, a.calldatas, a.descriptionHash), /proposal not successful/);
    await chain.advanceRound(); // round 6
    assert.equal(await gov.state(a.id), STATE.Succeeded);
    assert.equal(await gov.state(b.id), STATE.Defeated);
    await assert.rejects(chain.as(gov, 9).execute(b.targets, b.values, b.calldatas, b.descriptionHash), /proposal not successful/);
  });

  it('executing A changes the Minter’s target bonding rate through the governor’s authorisation', async () => {
    await assert.rejects(chain.as(minter, 9).setTargetBondingRate(100_000_000n), /caller must be Controller owner/);
    assert.equal(await minter.targetBondingRate(), 500_000_000n);
    const receipt = await send(chain.as(gov, 9).execute(a.targets, a.values, a.calldatas, a.descriptionHash));
    assert.equal(eventsOf(gov, receipt, 'ProposalExecuted')[0].args.proposalId, a.id);
    assert.equal(eventsOf(minter, receipt, 'ParameterUpdate')[0].args.param, 'targetBondingRate');
    assert.equal(await minter.targetBondingRate(), 100_000_000n);
    assert.equal(await gov.state(a.id), STATE.Executed);
    await assert.rejects(chain.as(gov, 9).execute(a.targets, a.values, a.calldatas, a.descriptionHash), /proposal not successful/);
    assert.equal(await minter.inflationChange(), 3_000n, 'B did not run');
  });

  it('the quota: for must be at least half of for + against', async () => {
    const c = proposal(minter.target, minter.interface.encodeFunctionData('setInflationChange', [1n]), 'Tiny inflation change');
    await send(chain.as(gov, 1).propose(c.targets, c.values, c.calldatas, c.description));
    const id = await gov.hashProposal(c.targets, c.values, c.calldatas, c.descriptionHash);
    await chain.advanceRound();
    await chain.advanceRound();
    await send(chain.as(gov, 2).castVote(id, FOR)); // 80
    await send(chain.as(gov, 5).castVote(id, AGAINST)); // 40, out of O1's
    await send(chain.as(gov, 1).castVote(id, AGAINST)); // 140 - 40 = 100
    assert.deepEqual([...(await gov.proposalVotes(id))], [LPT(140), LPT(80), 0n]);
    await chain.advanceRound();
    await chain.advanceRound();
    assert.equal(await gov.state(id), STATE.Defeated); // 80 < 50% of 220
  });
});
