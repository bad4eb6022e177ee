// Slashing: only the Controller's "Verifier" may slash; the penalty is a fraction of the transcoder's own bond,
// the finder gets its fee out of the penalty and the rest is burned; the transcoder leaves the pool.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { TEST_TIMEOUT, setupChain, send, eventsOf } from './helpers.mjs';
import { contractId } from '../deploy.mjs';

const LPT = (n) => ethers.parseEther(String(n));

describe('slashing', TEST_TIMEOUT, () => {
  let chain, bm, token, controller, minter;
  let O1, O2, D5, F7, V8;

  async function walkPool() {
    const out = [];
    for (let a = await bm.getFirstTranscoderInPool(); a !== ethers.ZeroAddress; a = await bm.getNextTranscoderInPool(a)) out.push(a);
    return out;
  }

  before(async () => {
    chain = await setupChain();
    ({ bondingManager: bm, token, controller, minter } = chain.contracts);
    [O1, O2, D5, F7, V8] = [1, 2, 5, 7, 8].map((i) => chain.keys[i].address);
    for (const i of [1, 2, 5]) await send(chain.as(token, i).approve(bm.target, LPT(1000)));
    await send(chain.as(bm, 1).bond(LPT(100), O1));
    await send(chain.as(bm, 5).bond(LPT(50), O1));
    await send(chain.as(bm, 2).bond(LPT(80), O2));
    await chain.advanceRound();
  });
  after(async () => {
    await chain?.stop();
  });

  it('nobody may slash until the owner registers a Verifier in the Controller', async () => {
    assert.equal(await controller.getContract(contractId('Verifier')), ethers.ZeroAddress);
    await assert.rejects(chain.as(bm, 8).slashTranscoder(O1, F7, 200_000, 100_000), /caller must be Verifier/);
    await assert.rejects(chain.as(controller, 8).setContractInfo(contractId('Verifier'), V8), /caller must be owner/);
    await send(chain.as(controller, 0).setContractInfo(contractId('Verifier'), V8));
    await assert.rejects(chain.as(bm, 1).slashTranscoder(O1, F7, 200_000, 100_000), /caller must be Verifier/);
    await assert.rejects(chain.as(bm, 8).slashTranscoder(O1, F7, 1_000_001, 0), /invalid slashAmount percentage/);
  });

  it('20% of O1’s 100 LPT bond: 2 to the finder (10%), 18 burned, O1 out of the pool, D5 untouched', async () => {
    const supply = await token.totalSupply();
    const minterLpt = await token.balanceOf(minter.target);
    const finderLpt = await token.balanceOf(F7);
    const round = await chain.contracts.roundsManager.currentRound();
    assert.deepEqual(await walkPool(), [O1, O2]);
    assert.equal(await bm.nextRoundTotalActiveStake(), LPT(150 + 80));

    const receipt = await send(chain.as(bm, 8).slashTranscoder(O1, F7, 200_000, 100_000));
    const [ev] = eventsOf(bm, receipt, 'TranscoderSlashed');
    assert.equal(ev.args.transcoder, O1);
    assert.equal(ev.args.finder, F7);
    assert.equal(ev.args.penalty, LPT(20));
    assert.equal(ev.args.finderReward, LPT(2));
    const [out] = eventsOf(bm, receipt, 'TranscoderDeactivated');
    assert.equal(out.args.transcoder, O1);
    assert.equal(out.args.deactivationRound, round + 1n);

    assert.equal(await token.balanceOf(F7), finderLpt + LPT(2));
    assert.equal(await token.totalSupply(), supply - LPT(18));
    assert.equal(await token.balanceOf(minter.target), minterLpt - LPT(20));
    assert.equal((await bm.getDelegator(O1)).bondedAmount, LPT(80));
    assert.equal((await bm.getDelegator(D5)).bondedAmount, LPT(50));
    assert.equal(await bm.transcoderTotalStake(O1), LPT(130));
    assert.deepEqual(await walkPool(), [O2]);
    assert.equal(await bm.nextRoundTotalActiveStake(), LPT(80));
    assert.equal(await bm.isActiveTranscoder(O1), true, 'active until the end of the round');
    await chain.advanceRound();
    assert.equal(await bm.isActiveTranscoder(O1), false);
    assert.equal(await bm.currentRoundTotalActiveStake(), LPT(80));
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O1, round + 1n)).totalStake, LPT(130));
  });

  it('without a finder everything is burned; a slashed transcoder whose stake grows rejoins the pool', async () => {
    const supply = await token.totalSupply();
    const receipt = await send(chain.as(bm, 8).slashTranscoder(O2, ethers.ZeroAddress, 500_000, 100_000));
    const [ev] = eventsOf(bm, receipt, 'TranscoderSlashed');
    assert.equal(ev.args.penalty, LPT(40));
    assert.equal(ev.args.finderReward, 0n);
    assert.equal(await token.totalSupply(), supply - LPT(40));
    assert.deepEqual(await walkPool(), []);
    assert.equal(await bm.nextRoundTotalActiveStake(), 0n);

    await send(chain.as(bm, 1).bond(LPT(1), O1)); // 130 + 1
    assert.deepEqual(await walkPool(), [O1]);
    assert.equal(await bm.nextRoundTotalActiveStake(), LPT(131));
  });

  it('slashing an address with no bond only logs a zero penalty', async () => {
    const receipt = await send(chain.as(bm, 8).slashTranscoder(F7, ethers.ZeroAddress, 500_000, 0));
    assert.equal(eventsOf(bm, receipt, 'TranscoderSlashed')[0].args.penalty, 0n);
  });
});
