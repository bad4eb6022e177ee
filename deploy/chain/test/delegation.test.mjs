// Delegation: bonding to any registered orchestrator, moving a bond, unbonding locks, rebonding, withdrawing,
// and the active set / total active stake following delegated stake. Every number is worked out by hand below.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { TEST_TIMEOUT, setupChain, send, eventsOf } from './helpers.mjs';

const LPT = (n) => ethers.parseEther(String(n));
const [PENDING, BONDED, UNBONDED] = [0n, 1n, 2n];

describe('delegation', TEST_TIMEOUT, () => {
  let chain, bm, rm, token;
  let O1, O2, O3, D5, D6;

  async function walkPool() {
    const out = [];
    for (let a = await bm.getFirstTranscoderInPool(); a !== ethers.ZeroAddress; a = await bm.getNextTranscoderInPool(a)) out.push(a);
    return out;
  }
  const stakeOf = async (o) => await bm.transcoderTotalStake(o);

  before(async () => {
    // A pool of two, so that moving stake can change who is in the active set.
    chain = await setupChain({ poolMaxSize: 2 });
    ({ bondingManager: bm, roundsManager: rm, token } = chain.contracts);
    [O1, O2, O3, D5, D6] = [1, 2, 3, 5, 6].map((i) => chain.keys[i].address);
    for (const i of [1, 2, 3, 5, 6]) await send(chain.as(token, i).approve(bm.target, LPT(1000)));
    // O1 40, O2 30 self-bonded and in the pool; O3 20 self-bonded, registered but outside the full pool.
    for (const [i, amount] of [[1, 40], [2, 30], [3, 20]]) {
      await send(chain.as(bm, i).bond(LPT(amount), chain.keys[i].address));
      await send(chain.as(bm, i).transcoder(100_000, 500_000));
    }
    await chain.advanceRound();
  });
  after(async () => {
    await chain?.stop();
  });

  it('the pool holds the two largest; the round’s active stake is fixed when it is initialized', async () => {
    assert.deepEqual(await walkPool(), [O1, O2]);
    assert.equal(await bm.transcoderStatus(O3), 1n, 'O3 is registered');
    assert.equal(await bm.isInTranscoderPool(O3), false);
    assert.equal(await bm.currentRoundTotalActiveStake(), LPT(40 + 30));
    assert.equal(await bm.nextRoundTotalActiveStake(), LPT(70));
    assert.equal(await bm.getTotalBonded(), LPT(70));
  });

  it('a delegator bonds to O2: pending until the next round, stake and order follow', async () => {
    const round = await rm.currentRound();
    const receipt = await send(chain.as(bm, 5).bond(LPT(15), O2)); // O2 30 -> 45, above O1's 40
    const [ev] = eventsOf(bm, receipt, 'Bond');
    assert.equal(ev.args.newDelegate, O2);
    assert.equal(ev.args.oldDelegate, ethers.ZeroAddress);
    assert.equal(ev.args.delegator, D5);
    assert.equal(ev.args.additionalAmount, LPT(15));
    assert.equal(ev.args.bondedAmount, LPT(15));
    assert.deepEqual(await walkPool(), [O2, O1]);
    assert.equal(await stakeOf(O2), LPT(45));
    assert.equal(await bm.nextRoundTotalActiveStake(), LPT(85));
    assert.equal(await bm.currentRoundTotalActiveStake(), LPT(70), 'this round’s figure does not move');

    const d = await bm.getDelegator(D5);
    assert.equal(d.bondedAmount, LPT(15));
    assert.equal(d.delegateAddress, O2);
    assert.equal(d.startRound, round + 1n);
    assert.equal(await bm.delegatorStatus(D5), PENDING);
    await assert.rejects(chain.as(bm, 5).unbond(LPT(1)), /caller must be bonded/);

    await chain.advanceRound();
    assert.equal(await bm.delegatorStatus(D5), BONDED);
    assert.equal(await bm.currentRoundTotalActiveStake(), LPT(85));
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O2, round + 1n)).totalStake, LPT(45));
  });

  it('moving the bond to a registered orchestrator outside the pool brings it in and evicts the smallest', async () => {
    const round = await rm.currentRound();
    // D5 moves its 15 (and adds 10) to O3: O3 20 -> 45, O2 45 -> 30; O3 (45) > O1 (40) > O2 (30) -> O2 evicted.
    const receipt = await send(chain.as(bm, 5).bond(LPT(10), O3));
    const [ev] = eventsOf(bm, receipt, 'Bond');
    assert.equal(ev.args.oldDelegate, O2);
    assert.equal(ev.args.newDelegate, O3);
    assert.equal(ev.args.bondedAmount, LPT(25));
    assert.equal(eventsOf(bm, receipt, 'TranscoderDeactivated')[0].args.transcoder, O2);
    assert.equal(eventsOf(bm, receipt, 'TranscoderActivated')[0].args.transcoder, O3);
    assert.equal(eventsOf(bm, receipt, 'TranscoderActivated')[0].args.activationRound, round + 1n);
    assert.deepEqual(await walkPool(), [O3, O1]);
    assert.equal(await stakeOf(O2), LPT(30));
    assert.equal(await stakeOf(O3), LPT(45));
    // next round's active stake: 85 - 15 (O2 lost D5) - 30 (O2 left) + 45 (O3 joined) = 85
    assert.equal(await bm.nextRoundTotalActiveStake(), LPT(85));
    const d = await bm.getDelegator(D5);
    assert.equal(d.startRound, round + 1n, 'a move restarts the bond next round');
    assert.equal(await bm.delegatorStatus(D5), PENDING);

    await chain.advanceRound();
    assert.equal(await bm.isActiveTranscoder(O3), true);
    assert.equal(await bm.isActiveTranscoder(O2), false);
    assert.equal(await bm.currentRoundTotalActiveStake(), LPT(85));
  });

  it('unbond creates locks; rebond puts one back with the current delegate', async () => {
    const round = await rm.currentRound();
    let receipt = await send(chain.as(bm, 5).unbond(LPT(5)));
    let [ev] = eventsOf(bm, receipt, 'Unbond');
    assert.equal(ev.args.delegate, O3);
    assert.equal(ev.args.unbondingLockId, 0n);
    assert.equal(ev.args.amount, LPT(5));
    assert.equal(ev.args.withdrawRound, round + 2n); // unbondingPeriod 2
    receipt = await send(chain.as(bm, 5).unbond(LPT(7)));
    assert.equal(eventsOf(bm, receipt, 'Unbond')[0].args.unbondingLockId, 1n);
    assert.equal((await bm.getDelegator(D5)).bondedAmount, LPT(25 - 5 - 7));
    assert.equal(await stakeOf(O3), LPT(45 - 12));
    assert.equal(await bm.nextRoundTotalActiveStake(), LPT(85 - 12));
    assert.deepEqual([...(await bm.getDelegatorUnbondingLock(D5, 1n))], [LPT(7), round + 2n]);
    assert.equal(await bm.isValidUnbondingLock(D5, 1n), true);
    assert.equal((await bm.getDelegator(D5)).nextUnbondingLockId, 2n);

    receipt = await send(chain.as(bm, 5).rebond(1n));
    [ev] = eventsOf(bm, receipt, 'Rebond');
    assert.equal(ev.args.delegate, O3);
    assert.equal(ev.args.delegator, D5);
    assert.equal(ev.args.unbondingLockId, 1n);
    assert.equal(ev.args.amount, LPT(7));
    assert.equal((await bm.getDelegator(D5)).bondedAmount, LPT(20));
    assert.equal(await stakeOf(O3), LPT(40));
    assert.equal(await bm.isValidUnbondingLock(D5, 1n), false);
    await assert.rejects(chain.as(bm, 5).rebond(1n), /invalid unbonding lock ID/);
    await assert.rejects(chain.as(bm, 5).rebondFromUnbonded(O1, 0n), /caller must be unbonded/);
  });

  it('a full unbond leaves the delegator unbonded; rebondFromUnbonded delegates a lock anew', async () => {
    const round = await rm.currentRound();
    await send(chain.as(bm, 5).unbond(LPT(20))); // lock 2
    assert.equal(await bm.delegatorStatus(D5), UNBONDED);
    let d = await bm.getDelegator(D5);
    assert.equal(d.delegateAddress, ethers.ZeroAddress);
    assert.equal(d.startRound, 0n);
    assert.equal(await stakeOf(O3), LPT(20));
    await assert.rejects(chain.as(bm, 5).rebond(0n), /caller must be bonded/);

    const receipt = await send(chain.as(bm, 5).rebondFromUnbonded(O1, 2n)); // 20 to O1: 40 -> 60
    assert.equal(eventsOf(bm, receipt, 'Rebond')[0].args.delegate, O1);
    d = await bm.getDelegator(D5);
    assert.equal(d.bondedAmount, LPT(20));
    assert.equal(d.delegateAddress, O1);
    assert.equal(d.startRound, round + 1n);
    assert.equal(await stakeOf(O1), LPT(60));
    // pool: O1 60, O3 20 (O2 has 30 but is outside the pool: stake decreases and eviction do not re-admit it)
    assert.deepEqual(await walkPool(), [O1, O3]);
    assert.equal(await bm.nextRoundTotalActiveStake(), LPT(80));
  });

  it('withdrawStake pays a lock after the unbonding period only', async () => {
    await assert.rejects(chain.as(bm, 5).withdrawStake(0n), /withdraw round must be before or equal to the current round/);
    await chain.advanceRound();
    await chain.advanceRound();
    const before = await token.balanceOf(D5);
    const receipt = await send(chain.as(bm, 5).withdrawStake(0n));
    const [ev] = eventsOf(bm, receipt, 'WithdrawStake');
    assert.equal(ev.args.amount, LPT(5));
    assert.equal(await token.balanceOf(D5), before + LPT(5));
    await assert.rejects(chain.as(bm, 5).withdrawStake(0n), /invalid unbonding lock ID/);
    await assert.rejects(chain.as(bm, 5).withdrawStake(2n), /invalid unbonding lock ID/, 'a rebonded lock is gone');
  });

  it('a second delegator bonding to O2 outside the pool brings it back when it overtakes the last member', async () => {
    // O2 30 + 5 = 35 > O3's 20: O3 evicted
    const receipt = await send(chain.as(bm, 6).bond(LPT(5), O2));
    assert.equal(eventsOf(bm, receipt, 'TranscoderDeactivated')[0].args.transcoder, O3);
    assert.equal(eventsOf(bm, receipt, 'TranscoderActivated')[0].args.transcoder, O2);
    assert.deepEqual(await walkPool(), [O1, O2]);
    assert.equal(await bm.nextRoundTotalActiveStake(), LPT(60 + 35));
    // bonding to an address that is not a transcoder is allowed (it just never joins the pool)
    await send(chain.as(bm, 6).bond(0n, D5));
    assert.equal(await stakeOf(D5), LPT(5));
    assert.equal(await bm.isInTranscoderPool(D5), false);
    assert.equal(await bm.nextRoundTotalActiveStake(), LPT(60 + 30));
  });
});
