// Minter inflation and BondingManager.reward(): numbers worked out by hand from Livepeer's rules.
//   mintable per round = totalSupply * inflation / 1e9            (set when the round is initialized)
//   inflation += inflationChange if totalBonded / totalSupply < target, -= (floor 0) if above
//   reward = mintable * trunc1e9(stake / totalActiveStake)
//   rewardCut stays with the transcoder; the rest grows cumulativeRewardFactor by delegatorsRewards / stake
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { TEST_TIMEOUT, setupChain, send, eventsOf } from './helpers.mjs';

const LPT = (n) => ethers.parseEther(String(n));
const E27 = 10n ** 27n;
const E9 = 10n ** 9n;

describe('inflation and rewards', TEST_TIMEOUT, () => {
  let chain, bm, rm, token, minter;
  let O1, O2, D5;

  before(async () => {
    chain = await setupChain({ inflation: 100_000n, inflationChange: 2_000n, targetBondingRate: 500_000_000n });
    ({ bondingManager: bm, roundsManager: rm, token, minter } = chain.contracts);
    [O1, O2, D5] = [1, 2, 5].map((i) => chain.keys[i].address);
    for (const i of [1, 2, 5]) await send(chain.as(token, i).approve(bm.target, LPT(1000)));
  });
  after(async () => {
    await chain?.stop();
  });

  it('round 1 (initialized by the deployment): nothing bonded, so inflation rose by one step', async () => {
    // supply: 10 anvil accounts x 1,000,000 LPT
    assert.equal(await token.totalSupply(), LPT(10_000_000));
    assert.equal(await minter.inflation(), 102_000n); // 100,000 + 2,000
    assert.equal(await minter.inflationChange(), 2_000n);
    assert.equal(await minter.targetBondingRate(), 500_000_000n);
    assert.equal(await minter.currentMintableTokens(), LPT(1020)); // 10,000,000 * 0.000102
    assert.equal(await minter.currentMintedTokens(), 0n);
    assert.equal(await minter.getGlobalTotalSupply(), LPT(10_000_000));
  });

  it('O1 (60 self + 40 from D5, rewardCut 10%) and O2 (100, rewardCut 0) become active; round 2 mints 1,040', async () => {
    await send(chain.as(bm, 1).bond(LPT(60), O1));
    await send(chain.as(bm, 1).transcoder(100_000, 500_000));
    await send(chain.as(bm, 5).bond(LPT(40), O1));
    await send(chain.as(bm, 2).bond(LPT(100), O2));
    await send(chain.as(bm, 2).transcoder(0, 0));
    await assert.rejects(chain.as(bm, 1).reward(), /caller must be an active transcoder/, 'active only from round 2');

    const round = await chain.advanceRound();
    assert.equal(round, 2n);
    assert.equal(await bm.currentRoundTotalActiveStake(), LPT(200));
    // bonding rate 200 / 10,000,000 = 0.002% < 50%: 102,000 + 2,000
    assert.equal(await minter.inflation(), 104_000n);
    assert.equal(await minter.currentMintableTokens(), LPT(1040));
  });

  it('O1 calls reward in round 2: 520 minted, 52 commission, the factor grows by 468/100', async () => {
    const receipt = await send(chain.as(bm, 1).reward());
    const [ev] = eventsOf(bm, receipt, 'Reward');
    assert.equal(ev.args.transcoder, O1);
    assert.equal(ev.args.amount, LPT(520)); // 1,040 * 100/200
    assert.equal(await minter.currentMintedTokens(), LPT(520));
    assert.equal(await token.totalSupply(), LPT(10_000_520));
    assert.equal(await token.balanceOf(minter.target), LPT(200 + 520));
    assert.equal(await bm.transcoderTotalStake(O1), LPT(620));
    assert.equal(await bm.nextRoundTotalActiveStake(), LPT(720));

    const t = await bm.getTranscoder(O1);
    assert.equal(t.lastRewardRound, 2n);
    assert.equal(t.cumulativeRewards, LPT(52)); // 10% of 520
    assert.equal(t.activeCumulativeRewards, 0n);
    const pool = await bm.getTranscoderEarningsPoolForRound(O1, 2n);
    assert.equal(pool.totalStake, LPT(100));
    assert.equal(pool.transcoderRewardCut, 100_000n);
    assert.equal(pool.cumulativeRewardFactor, E27 + (468n * E27) / 100n); // 5.68
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O1, 3n)).totalStake, LPT(620));

    // D5's 40 grows by the factor; O1's 60 too, plus its commission: 227.2 + 392.8 = 620
    assert.equal(await bm.pendingStake(D5, 0n), LPT(227.2));
    assert.equal(await bm.pendingStake(O1, 0n), LPT(340.8 + 52));
    assert.equal((await bm.getDelegator(D5)).bondedAmount, LPT(40), 'nothing claimed yet');

    await assert.rejects(chain.as(bm, 1).reward(), /caller has already called reward for the current round/);
    await assert.rejects(chain.as(bm, 5).reward(), /caller must be an active transcoder/);
  });

  it('round 3: O2 missed round 2 (nothing minted for it), its round-3 share is of round 3’s mintable', async () => {
    await chain.advanceRound();
    assert.equal(await bm.currentRoundTotalActiveStake(), LPT(720));
    // bonding rate 720 / 10,000,520 < 50%: 106,000; mintable = 10,000,520 * 0.000106 = 1,060.05512
    assert.equal(await minter.inflation(), 106_000n);
    const mintable = LPT('1060.05512');
    assert.equal(await minter.currentMintableTokens(), mintable);

    const receipt = await send(chain.as(bm, 2).reward());
    // 100/720 truncated to 1e9 precision: 138,888,888
    const expected = (mintable * 138_888_888n) / E9;
    assert.equal(expected, 147_229876835506560000n); // 147.22987683550656 LPT
    assert.equal(eventsOf(bm, receipt, 'Reward')[0].args.amount, expected);
    assert.equal(await token.totalSupply(), LPT(10_000_520) + expected);
    // rewardCut 0: all of it to the factor, which O2 alone (100 self-bond) reads
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O2, 3n)).cumulativeRewardFactor, E27 + (E27 * ((expected * E27) / LPT(100))) / E27);
    assert.equal(await bm.pendingStake(O2, 0n), LPT(100) + expected);
  });

  it('D5 claims: the bond becomes 227.2, O1’s pool stake does not change', async () => {
    const round = await rm.currentRound();
    const receipt = await send(chain.as(bm, 5).claimEarnings(0n));
    const [ev] = eventsOf(bm, receipt, 'EarningsClaimed');
    assert.equal(ev.args.delegate, O1);
    assert.equal(ev.args.delegator, D5);
    assert.equal(ev.args.rewards, LPT(187.2));
    assert.equal(ev.args.fees, 0n);
    assert.equal(ev.args.startRound, 2n); // lastClaimRound was 1 (the round D5 bonded in)
    assert.equal(ev.args.endRound, round);
    const d = await bm.getDelegator(D5);
    assert.equal(d.bondedAmount, LPT(227.2));
    assert.equal(d.lastClaimRound, round);
    assert.equal(await bm.pendingStake(D5, 0n), LPT(227.2));
    assert.equal(await bm.transcoderTotalStake(O1), LPT(620));
    // the round's factor was recorded for D5's next claim to start from
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O1, round)).cumulativeRewardFactor, E27 + (468n * E27) / 100n);
  });

  it('above the target bonding rate inflation falls, and never below 0', async () => {
    await assert.rejects(chain.as(minter, 1).setTargetBondingRate(0n), /caller must be Controller owner/);
    await assert.rejects(chain.as(minter, 0).setTargetBondingRate(1_000_000_001n), /_targetBondingRate is invalid percentage/);
    await send(chain.as(minter, 0).setTargetBondingRate(0n)); // any bonding is now above the target
    await chain.advanceRound();
    assert.equal(await minter.inflation(), 104_000n); // 106,000 - 2,000
    await send(chain.as(minter, 0).setInflationChange(500_000n));
    await chain.advanceRound();
    assert.equal(await minter.inflation(), 0n);
    assert.equal(await minter.currentMintableTokens(), 0n);
    const receipt = await send(chain.as(bm, 1).reward());
    assert.equal(eventsOf(bm, receipt, 'Reward')[0].args.amount, 0n);
  });

  it('only the BondingManager mints, the RoundsManager sets the round, the TicketBroker deposits', async () => {
    await assert.rejects(chain.as(minter, 1).createReward(1n, 1n), /msg.sender not BondingManager/);
    await assert.rejects(chain.as(minter, 1).trustedTransferTokens(O1, 1n), /msg.sender not BondingManager/);
    await assert.rejects(chain.as(minter, 1).trustedBurnTokens(1n), /msg.sender not BondingManager/);
    await assert.rejects(chain.as(minter, 1).setCurrentRewardTokens(), /msg.sender not RoundsManager/);
    await assert.rejects(chain.as(minter, 1).depositETH({ value: 1n }), /msg.sender not TicketBroker/);
    await assert.rejects(chain.as(minter, 1).trustedWithdrawETH(O1, 1n), /msg.sender not BondingManager or TicketBroker/);
    await assert.rejects(chain.as(token, 1).mint(O1, 1n), /caller is missing role/);
    assert.equal(await token.hasRole(await token.MINTER_ROLE(), minter.target), true);
    assert.equal(await token.hasRole(await token.BURNER_ROLE(), minter.target), true);
    assert.equal(await token.hasRole(await token.MINTER_ROLE(), chain.keys[0].address), true, 'the deployer still mints for devnet scripts');
  });
});
