// Discovery surface: Controller lookup, RoundsManager, BondingManager pool, ServiceRegistry.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { TEST_TIMEOUT, setupChain, send, eventsOf } from './helpers.mjs';
import { contractId, mineBlocks } from '../deploy.mjs';

const LPT = (n) => ethers.parseEther(String(n));
const MAX = ethers.MaxUint256;

describe('bonding, pool and discovery', TEST_TIMEOUT, () => {
  let chain, bm, rm, token, sr, controller;
  let O1, O2, O3, D5, X6;

  /** The pool as go-livepeer walks it: first, next, ... until 0x0. */
  async function walkPool() {
    const out = [];
    let addr = await bm.getFirstTranscoderInPool();
    while (addr !== ethers.ZeroAddress) {
      out.push(addr);
      addr = await bm.getNextTranscoderInPool(addr);
      assert.ok(out.length <= 100, 'pool walk does not end');
    }
    return out;
  }

  /** Self-bond (which joins the pool, as in Livepeer) and set the commission. Returns both receipts. */
  async function bondAndRegister(i, amount) {
    await send(chain.as(token, i).approve(bm.target, amount));
    const bonded = await send(chain.as(bm, i).bond(amount, chain.keys[i].address));
    const registered = await send(chain.as(bm, i).transcoder(50_000, 250_000));
    return { bonded, registered };
  }

  before(async () => {
    chain = await setupChain();
    ({ bondingManager: bm, roundsManager: rm, token, serviceRegistry: sr, controller } = chain.contracts);
    [O1, O2, O3, D5, X6] = [1, 2, 3, 5, 6].map((i) => chain.keys[i].address);
  });
  after(async () => {
    await chain?.stop();
  });

  it('Controller resolves every contract by keccak256(name)', async () => {
    const a = chain.addresses;
    const expected = {
      BondingManager: a.bondingManager,
      TicketBroker: a.ticketBroker,
      RoundsManager: a.roundsManager,
      ServiceRegistry: a.serviceRegistry,
      LivepeerToken: a.token,
      Minter: a.minter,
    };
    for (const [name, addr] of Object.entries(expected)) {
      assert.equal(await controller.getContract(contractId(name)), addr, name);
    }
    assert.equal(await controller.getContract(contractId('LivepeerGovernor')), a.governor);
    assert.equal(await controller.getContract(contractId('BondingVotes')), a.bondingVotes);
    assert.equal(await controller.getContract(contractId('Verifier')), ethers.ZeroAddress, 'no verifier unless --verifier');
    assert.equal(chain.addresses.chainId, 31337);
    await assert.rejects(chain.as(controller, 1).setContractInfo(contractId('X'), O1), /caller must be owner/);
  });

  it('deploy initialized round 1; initializeRound emits NewRound with the previous block hash', async () => {
    assert.equal(await rm.roundLength(), 20n);
    assert.equal(await rm.lastInitializedRound(), 1n);
    assert.equal(await rm.currentRound(), 1n);
    assert.equal(await rm.currentRoundInitialized(), true);
    assert.notEqual(await rm.blockHashForRound(1n), ethers.ZeroHash);
    await assert.rejects(chain.as(rm, 0).initializeRound(), /round already initialized/);

    const start = await rm.currentRoundStartBlock();
    const latest = BigInt(await chain.provider.getBlockNumber());
    await mineBlocks(chain.provider, Number(start + 20n - latest));
    assert.equal(await rm.currentRound(), 2n);
    assert.equal(await rm.currentRoundStartBlock(), start + 20n);
    assert.equal(await rm.currentRoundInitialized(), false);
    // stake cannot move in an uninitialized round
    await assert.rejects(chain.as(bm, 1).bond(1n, O1), /current round is not initialized/);

    const receipt = await send(chain.as(rm, 0).initializeRound());
    const [ev] = eventsOf(rm, receipt, 'NewRound');
    assert.equal(ev.log.topics[0], '0x22f2fc17c5daf07db2379b3a03a8ef20a183f761097a58fce219c8a14619e786');
    assert.equal(ev.args.round, 2n);
    const prev = await chain.provider.getBlock(receipt.blockNumber - 1);
    assert.equal(ev.args.blockHash, prev.hash);
    assert.equal(await rm.blockHashForRound(2n), prev.hash);
    assert.equal(await rm.lastInitializedRound(), 2n);
  });

  it('three orchestrators get LPT, bond 50/30/20 and register: pool sorted by stake', async () => {
    for (const i of [1, 2, 3]) {
      const before = await token.balanceOf(chain.keys[i].address);
      await send(chain.as(token, 0).transfer(chain.keys[i].address, LPT(100)));
      assert.equal(await token.balanceOf(chain.keys[i].address), before + LPT(100));
    }
    const round = await rm.currentRound();
    const stakes = { 1: 50, 3: 20, 2: 30 }; // registration order differs from stake order on purpose
    for (const [i, amount] of Object.entries(stakes)) {
      const { bonded, registered } = await bondAndRegister(Number(i), LPT(amount));
      // the self-bond makes it a registered transcoder and it joins the pool there; transcoder() only sets the commission
      assert.equal(eventsOf(bm, registered, 'TranscoderActivated').length, 0);
      const [ev] = eventsOf(bm, bonded, 'TranscoderActivated');
      assert.equal(ev.log.topics[0], '0x65d72d782835d64c3287844a829608d5abdc7e864cc9affe96d910ab3db665e9');
      assert.equal(ev.args.transcoder, chain.keys[i].address);
      assert.equal(ev.args.activationRound, round + 1n);
    }
    assert.equal(await rm.currentRound(), round, 'still the same round');

    assert.deepEqual(await walkPool(), [O1, O2, O3]);
    assert.equal(await bm.getFirstTranscoderInPool(), O1);
    assert.equal(await bm.getNextTranscoderInPool(O1), O2);
    assert.equal(await bm.getNextTranscoderInPool(O2), O3);
    assert.equal(await bm.getNextTranscoderInPool(O3), ethers.ZeroAddress);
    assert.equal(await bm.getTranscoderPoolSize(), 3n);
    assert.equal(await bm.getTranscoderPoolMaxSize(), 100n);
    assert.equal(await bm.transcoderTotalStake(O1), LPT(50));
    assert.equal(await bm.transcoderTotalStake(O2), LPT(30));
    assert.equal(await bm.transcoderTotalStake(O3), LPT(20));
    for (const o of [O1, O2, O3]) {
      assert.equal(await bm.transcoderStatus(o), 1n);
      assert.equal(await bm.isActiveTranscoder(o), false, 'active only from the next round');
    }
    assert.equal(await bm.transcoderStatus(X6), 0n);
    // bonded LPT is held by the Minter, as in Livepeer
    assert.equal(await token.balanceOf(chain.addresses.minter), LPT(100));
    assert.equal(await token.balanceOf(bm.target), 0n);
  });

  it('after the next round is initialized they are active, with stake in the earnings pool', async () => {
    const round = await chain.advanceRound();
    for (const [o, stake] of [[O1, 50], [O2, 30], [O3, 20]]) {
      assert.equal(await bm.isActiveTranscoder(o), true);
      const t = await bm.getTranscoder(o);
      assert.equal(t.length, 10);
      assert.equal(t.rewardCut, 50_000n);
      assert.equal(t.feeShare, 250_000n);
      assert.equal(t.activationRound, round);
      assert.equal(t.deactivationRound, MAX);
      assert.equal(t.lastActiveStakeUpdateRound, round);
      const pool = await bm.getTranscoderEarningsPoolForRound(o, round);
      assert.equal(pool.totalStake, LPT(stake));
      assert.equal(pool.transcoderRewardCut, 50_000n);
      assert.equal(pool.transcoderFeeShare, 250_000n);
      assert.equal((await bm.getTranscoderEarningsPoolForRound(o, round - 1n)).totalStake, 0n);
    }
  });

  it('a later bond re-sorts the pool; the earnings pool changes from the next round', async () => {
    const round = await rm.currentRound();
    await send(chain.as(token, 3).approve(bm.target, LPT(40)));
    await send(chain.as(bm, 3).bond(LPT(40), O3)); // O3: 20 -> 60
    assert.deepEqual(await walkPool(), [O3, O1, O2]);
    assert.equal(await bm.transcoderTotalStake(O3), LPT(60));

    // a delegator bonding to O2 moves it above O1: 30 + 25 = 55 > 50
    await send(chain.as(token, 5).approve(bm.target, LPT(25)));
    await send(chain.as(bm, 5).bond(LPT(25), O2));
    assert.deepEqual(await walkPool(), [O3, O2, O1]);
    assert.equal(await bm.transcoderTotalStake(O2), LPT(55));
    assert.equal(await bm.transcoderStatus(D5), 0n, 'a delegator is not a transcoder');
    const d = await bm.getDelegator(D5);
    assert.equal(d.bondedAmount, LPT(25));
    assert.equal(d.delegateAddress, O2);
    assert.equal(await bm.getTranscoderPoolSize(), 3n);

    assert.equal((await bm.getTranscoderEarningsPoolForRound(O2, round)).totalStake, LPT(30));
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O2, round + 1n)).totalStake, LPT(55));
    const next = await chain.advanceRound();
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O2, next)).totalStake, LPT(55));
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O3, next)).totalStake, LPT(60));
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O1, next)).totalStake, LPT(50));
    // a round far in the future reads the latest recorded stake
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O1, next + 1000n)).totalStake, LPT(50));

    // moving the delegation re-sorts both delegates
    await send(chain.as(bm, 5).bond(0n, O1)); // O2 55 -> 30, O1 50 -> 75
    assert.deepEqual(await walkPool(), [O1, O3, O2]);
    assert.equal(await bm.transcoderTotalStake(O1), LPT(75));
    assert.equal(await bm.transcoderTotalStake(O2), LPT(30));
  });

  it('transcoder() validates its parameters and requires a self-bond', async () => {
    await assert.rejects(chain.as(bm, 1).transcoder(1_000_001, 0), /invalid rewardCut percentage/);
    await assert.rejects(chain.as(bm, 1).transcoder(0, 1_000_001), /invalid feeShare percentage/);
    await assert.rejects(chain.as(bm, 6).transcoder(0, 0), /transcoder must be registered/);
    await assert.rejects(chain.as(bm, 5).transcoder(0, 0), /transcoder must be registered/);
    await assert.rejects(chain.as(bm, 1).bond(0n, O2), /registered transcoders can't delegate/);
    // re-parameterising a pool member does not emit another activation
    const receipt = await send(chain.as(bm, 1).transcoder(1_000_000, 0));
    assert.equal(eventsOf(bm, receipt, 'TranscoderActivated').length, 0);
    assert.equal((await bm.getTranscoder(O1)).rewardCut, 1_000_000n);
  });

  it('ServiceRegistry: setServiceURI emits ServiceURIUpdate and getServiceURI returns it', async () => {
    for (const [i, uri] of [[1, 'https://127.0.0.1:8935'], [2, 'https://127.0.0.1:8936'], [3, '127.0.0.1:8937']]) {
      const receipt = await send(chain.as(sr, i).setServiceURI(uri));
      assert.equal(receipt.logs.length, 1);
      const log = receipt.logs[0];
      assert.equal(log.topics[0], '0xfbb63068732c85741c9f8e61caffaabe038d577bfafd2d2dcc0e352a4f653a4c');
      assert.equal(log.topics[1], ethers.zeroPadValue(chain.keys[i].address, 32).toLowerCase());
      const ev = sr.interface.parseLog(log);
      assert.equal(ev.args.addr, chain.keys[i].address);
      assert.equal(ev.args.serviceURI, uri);
      assert.equal(await sr.getServiceURI(chain.keys[i].address), uri);
    }
    await send(chain.as(sr, 1).setServiceURI('https://127.0.0.1:9935'));
    assert.equal(await sr.getServiceURI(O1), 'https://127.0.0.1:9935');
    assert.equal(await sr.getServiceURI(X6), '');
  });

  it('unbonding all self-stake deactivates the transcoder; stake can be withdrawn after the unbonding period', async () => {
    // O3 has 60 self-bonded; unbond part, then the rest
    await send(chain.as(bm, 3).unbond(LPT(10)));
    assert.equal(await bm.transcoderTotalStake(O3), LPT(50));
    assert.deepEqual(await walkPool(), [O1, O3, O2]);
    await assert.rejects(chain.as(bm, 3).unbond(LPT(51)), /amount is greater than bonded amount/);

    const round = await rm.currentRound();
    const receipt = await send(chain.as(bm, 3).unbond(LPT(50)));
    const [ev] = eventsOf(bm, receipt, 'TranscoderDeactivated');
    assert.equal(ev.log.topics[0], '0xfee3e693fc72d0a0a673805f3e606c551f4c677b9072444b90dd2d0406bc995c');
    assert.equal(ev.args.transcoder, O3);
    assert.equal(ev.args.deactivationRound, round + 1n);
    assert.deepEqual(await walkPool(), [O1, O2]);
    assert.equal(await bm.getTranscoderPoolSize(), 2n);
    assert.equal(await bm.transcoderTotalStake(O3), 0n);
    assert.equal(await bm.transcoderStatus(O3), 0n);
    assert.equal(await bm.isActiveTranscoder(O3), true, 'still active until the end of this round');
    assert.equal((await bm.getTranscoder(O3)).deactivationRound, round + 1n);

    await assert.rejects(chain.as(bm, 3).withdrawStake(0n), /withdraw round must be before or equal to the current round/);
    const balance = await token.balanceOf(O3);
    await chain.advanceRound();
    assert.equal(await bm.isActiveTranscoder(O3), false);
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O3, round + 1n)).totalStake, 0n);
    await chain.advanceRound(); // unbonding period is 2 rounds
    await send(chain.as(bm, 3).withdrawStake(0n));
    await send(chain.as(bm, 3).withdrawStake(1n));
    assert.equal(await token.balanceOf(O3), balance + LPT(60));
    await assert.rejects(chain.as(bm, 3).withdrawStake(1n), /invalid unbonding lock ID/);
  });

  it('resignTranscoder leaves the pool; re-registering rejoins', async () => {
    const round = await rm.currentRound();
    const receipt = await send(chain.as(bm, 2).resignTranscoder());
    assert.equal(eventsOf(bm, receipt, 'TranscoderDeactivated')[0].args.deactivationRound, round + 1n);
    assert.deepEqual(await walkPool(), [O1]);
    assert.equal(await bm.transcoderStatus(O2), 1n, 'still self-bonded');
    const again = await send(chain.as(bm, 2).transcoder(0, 0));
    assert.equal(eventsOf(bm, again, 'TranscoderActivated')[0].args.activationRound, round + 1n);
    assert.deepEqual(await walkPool(), [O1, O2]);
    assert.equal((await bm.getTranscoder(O2)).deactivationRound, MAX);
  });

  it('a full pool admits a newcomer only by evicting a smaller last member', async () => {
    await assert.rejects(chain.as(bm, 1).setNumActiveTranscoders(2), /caller must be Controller owner/);
    await send(chain.as(bm, 0).setNumActiveTranscoders(2));
    assert.equal(await bm.getTranscoderPoolMaxSize(), 2n);

    // X6 with 10 LPT (< O2's 30): neither its self-bond nor transcoder() gets it in
    await send(chain.as(token, 6).approve(bm.target, LPT(100)));
    let receipt = await send(chain.as(bm, 6).bond(LPT(10), X6));
    assert.equal(eventsOf(bm, receipt, 'TranscoderActivated').length, 0);
    receipt = await send(chain.as(bm, 6).transcoder(0, 0));
    assert.equal(eventsOf(bm, receipt, 'TranscoderActivated').length, 0);
    assert.deepEqual(await walkPool(), [O1, O2]);

    // bonding 30 more (40 > O2's 30) evicts O2 in the same transaction, as Livepeer's bond does
    const round = await rm.currentRound();
    receipt = await send(chain.as(bm, 6).bond(LPT(30), X6));
    const [out] = eventsOf(bm, receipt, 'TranscoderDeactivated');
    assert.equal(out.args.transcoder, O2);
    assert.equal(out.args.deactivationRound, round + 1n);
    assert.equal(eventsOf(bm, receipt, 'TranscoderActivated')[0].args.transcoder, X6);
    assert.deepEqual(await walkPool(), [O1, X6]);
    assert.equal(await bm.getTranscoderPoolSize(), 2n);
  });
});
