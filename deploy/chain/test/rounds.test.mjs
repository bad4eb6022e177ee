// Seven rounds with two orchestrators and three delegators: inflation following the bonding rate, reward()
// splits, a missed reward, ticket fees shared by stake, a delegator that claims only at the end, unbond /
// withdraw / rebond timing and a bond moved from one orchestrator to the other. Every expectation is worked
// out by hand from the rules below; where the contracts truncate, the same truncation is computed here with
// BigInt (share(), percOf()) and the resulting wei value is written out.
//
//   round init:  rate = trunc(totalActive * 1e9 / supply); inflation += 10,000 if rate < target, -= if above
//                mintable = trunc(supply * inflation / 1e9)
//   reward():    r = trunc(mintable * trunc(stake * 1e9 / totalActive) / 1e9)               (Minter.createReward)
//                commission = trunc(r * rewardCut / 1e6), delegators' part dr = r - commission
//                rewardFactor(R) = rewardFactor(last) + percOf(rewardFactor(last), dr, stake)   (1e27 = 1)
//                cumulativeRewards += percOf(dr, unclaimed rewards before R, stake) + commission
//   ticket:      df = fees * feeShare / 1e6; the orchestrator keeps fees - df + percOf(df, unclaimed rewards, stake)
//                feeFactor(R) = feeFactor(before) + percOf(rewardFactor(R - 1), df, stake)
//   delegator:   stake = percOf(bond, rewardFactor(now), rewardFactor(last claim))
//                fees += percOf(bond, feeFactor(now) - feeFactor(last claim), rewardFactor(last claim))
//   percOf(a, num, den) = trunc(a * trunc(num * 1e27 / den) / 1e27)          (Livepeer's PreciseMathUtils)
//
// `stake` is the orchestrator's stake in the round's earnings pool (its total stake as it stood when the
// round began). In every round the orchestrators call reward() before anyone else touches their pools, so
// no delegator claims ahead of a reward in the same round.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { TEST_TIMEOUT, setupChain, send, eventsOf, newTicket, signTicket } from './helpers.mjs';

const LPT = (n) => ethers.parseEther(String(n));
const ETH = LPT;
const E27 = 10n ** 27n;
const E9 = 10n ** 9n;
/** Livepeer's PreciseMathUtils.percOf: the fraction num/den is truncated to 1e27 first. */
const percOf = (a, num, den) => (a * ((num * E27) / den)) / E27;
/** Minter.createReward: the stake fraction is truncated to 1e9 first. */
const share = (mintable, stake, total) => (mintable * ((stake * E9) / total)) / E9;
const CUT1 = 100_000n; // O1 keeps 10% of its rewards
const CUT2 = 250_000n; // O2 keeps 25%
const commission = (r, cut) => (r * cut) / 1_000_000n;
const BONDED = 1n;

describe('seven rounds with two orchestrators and three delegators', TEST_TIMEOUT, () => {
  let chain, bm, tb, rm, token, minter;
  let O1, O2, B, D1, D2, D3;
  let nonce = 0n;

  // Expected state carried from round to round (hand-computed, never read back from the chain).
  let supply; // LPT total supply
  let s1, s2; // the orchestrators' total stake
  let cum1, cum2; // their unclaimed rewards (cumulativeRewards)
  const F1 = {}; // O1's cumulativeRewardFactor by round
  const F2 = {}; // O2's
  let feeF1, feeF2; // their latest cumulativeFeeFactor
  let d2Bond, d3Bond, d3Fees;

  async function redeem(recipient, faceValue) {
    const { ticket, recipientRand } = await newTicket(chain, { recipient, sender: B, faceValue, senderNonce: ++nonce });
    return await send(chain.as(tb, 0).redeemWinningTicket(ticket, await signTicket(chain.keys[4], ticket), recipientRand));
  }
  async function roundIs(expected, inflation, mintable) {
    assert.equal(await chain.advanceRound(), expected);
    assert.equal(await minter.inflation(), inflation);
    assert.equal(await minter.currentMintableTokens(), mintable);
    assert.equal(await minter.currentMintedTokens(), 0n);
  }
  async function rewardOf(i, expected) {
    const receipt = await send(chain.as(bm, i).reward());
    const [ev] = eventsOf(bm, receipt, 'Reward');
    assert.equal(ev.args.amount, expected);
    return expected;
  }

  before(async () => {
    // Minter: 90,000 + one step of 10,000 when round 1 is initialized (nothing bonded) = 100,000 (0.01% a round);
    // target bonding rate 1,200,000 / 1e9 = 0.12%: with ~10,000 LPT bonded out of 10,000,000 the rate starts
    // just under the target and crosses it as rewards accumulate.
    chain = await setupChain({
      inflation: 90_000n,
      inflationChange: 10_000n,
      targetBondingRate: 1_200_000n,
      unbondingPeriod: 2,
      roundLength: 50,
    });
    ({ bondingManager: bm, ticketBroker: tb, roundsManager: rm, token, minter } = chain.contracts);
    [O1, O2, B, D1, D2, D3] = [1, 2, 4, 5, 6, 7].map((i) => chain.keys[i].address);
    for (const i of [1, 2, 5, 6, 7]) await send(chain.as(token, i).approve(bm.target, LPT(100_000)));
  });
  after(async () => {
    await chain?.stop();
  });

  it('round 1: O1 (10% cut, 50% fee share) has 3,000 + D1 2,000 + D2 1,000; O2 (25% cut, 80% fee share) 2,000 + D3 2,000', async () => {
    assert.equal(await rm.currentRound(), 1n);
    supply = LPT(10_000_000); // 10 anvil accounts x 1,000,000
    assert.equal(await token.totalSupply(), supply);
    assert.equal(await minter.inflation(), 100_000n); // 90,000 + 10,000 (rate 0 < target)
    assert.equal(await minter.currentMintableTokens(), LPT(1000)); // 10,000,000 * 100,000 / 1e9

    await send(chain.as(bm, 1).bond(LPT(3000), O1));
    await send(chain.as(bm, 1).transcoder(CUT1, 500_000n));
    await send(chain.as(bm, 2).bond(LPT(2000), O2));
    await send(chain.as(bm, 2).transcoder(CUT2, 800_000n));
    await send(chain.as(bm, 5).bond(LPT(2000), O1));
    await send(chain.as(bm, 6).bond(LPT(1000), O1));
    await send(chain.as(bm, 7).bond(LPT(2000), O2));
    await send(chain.as(tb, 4).fundDepositAndReserve(ETH(10), ETH(1), { value: ETH(11) }));
    s1 = LPT(6000);
    s2 = LPT(4000);
    assert.equal(await bm.transcoderTotalStake(O1), s1);
    assert.equal(await bm.transcoderTotalStake(O2), s2);
    assert.equal(await bm.nextRoundTotalActiveStake(), LPT(10_000));
    for (const d of [D1, D2, D3]) assert.equal((await bm.getDelegator(d)).lastClaimRound, 1n);
    await assert.rejects(chain.as(bm, 1).reward(), /caller must be an active transcoder/, 'active from round 2');
  });

  it('round 2: rate 0.1% < 0.12%, inflation rises to 110,000; both call reward(): cut to the orchestrator, the rest by stake', async () => {
    // rate = 10,000 * 1e9 / 10,000,000 = 1,000,000 < 1,200,000 -> 110,000; mintable = 10,000,000 * 0.00011 = 1,100
    await roundIs(2n, 110_000n, LPT(1100));
    assert.equal(await bm.getTotalBonded(), LPT(10_000));

    // O1: 1,100 * 6,000/10,000 = 660; commission 66; 594 over 6,000 of stake -> factor 1 + 0.099
    await rewardOf(1, LPT(660));
    // O2: 1,100 * 4,000/10,000 = 440; commission 110; 330 over 4,000 -> factor 1 + 0.0825
    await rewardOf(2, LPT(440));
    supply += LPT(1100);
    assert.equal(await minter.currentMintedTokens(), LPT(1100), 'all of the round was minted');
    assert.equal(await token.totalSupply(), supply); // 10,001,100
    F1[2] = (E27 * 1099n) / 1000n;
    F2[2] = (E27 * 10825n) / 10000n;
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O1, 2n)).cumulativeRewardFactor, F1[2]);
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O2, 2n)).cumulativeRewardFactor, F2[2]);
    cum1 = LPT(66);
    cum2 = LPT(110);
    assert.equal((await bm.getTranscoder(O1)).cumulativeRewards, cum1);
    assert.equal((await bm.getTranscoder(O2)).cumulativeRewards, cum2);

    // by stake: D1 2,000 -> 2,198 (+198 = 594 * 2/6), D2 1,000 -> 1,099 (+99), O1 3,000 -> 3,297 (+297) + 66
    assert.equal(await bm.pendingStake(D1, 0n), LPT(2198));
    assert.equal(await bm.pendingStake(D2, 0n), LPT(1099));
    assert.equal(await bm.pendingStake(O1, 0n), LPT(3297 + 66));
    // D3 2,000 -> 2,165 (+165 = 330 * 2/4), O2 2,000 -> 2,165 + 110
    assert.equal(await bm.pendingStake(D3, 0n), LPT(2165));
    assert.equal(await bm.pendingStake(O2, 0n), LPT(2165 + 110));
    s1 += LPT(660); // 6,660 = 2,198 + 1,099 + 3,363
    s2 += LPT(440); // 4,440 = 2,165 + 2,275
    assert.equal(await bm.transcoderTotalStake(O1), s1);
    assert.equal(await bm.transcoderTotalStake(O2), s2);
  });

  it('round 2: a 1.2 ETH winning ticket for O1 — 0.6 stays with O1, 0.6 goes to its delegators by stake', async () => {
    const minterEth = await chain.provider.getBalance(minter.target);
    await redeem(O1, ETH(1.2));
    assert.equal(await chain.provider.getBalance(minter.target), minterEth, 'the fees stay in the Minter until withdrawn');
    assert.equal(await bm.transcoderFeesForRound(O1, 2n), ETH(1.2));
    // df = 1.2 * 50% = 0.6 over the round's 6,000 LPT, times rewardFactor(1) = 1: 0.0001 per LPT
    feeF1 = E27 / 10_000n;
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O1, 2n)).cumulativeFeeFactor, feeF1);
    // O1 had no unclaimed rewards before this round's reward, so it keeps exactly 1.2 - 0.6
    const t = await bm.getTranscoder(O1);
    assert.equal(t.cumulativeFees, ETH(0.6));
    assert.equal(t.activeCumulativeRewards, 0n);
    assert.equal(await bm.pendingFees(D1, 0n), ETH(0.2)); // 2,000 * 0.0001
    assert.equal(await bm.pendingFees(D2, 0n), ETH(0.1)); // 1,000 * 0.0001
    assert.equal(await bm.pendingFees(O1, 0n), ETH('0.9')); // 3,000 * 0.0001 + 0.6
    assert.equal(await bm.pendingFees(D3, 0n), 0n, 'O2’s delegators get nothing from O1’s tickets');
  });

  it('round 3: O2 misses reward() and its 480.0528 LPT are never minted; D2 moves to O2 and its O1 earnings are claimed', async () => {
    // rate = trunc(11,100 * 1e9 / 10,001,100) = 1,109,877 < 1,200,000 -> 120,000
    // mintable = 10,001,100 * 0.00012 = 1,200.132
    const mintable = LPT('1200.132');
    await roundIs(3n, 120_000n, mintable);
    assert.equal((LPT(11_100) * E9) / supply, 1_109_877n);
    assert.equal(await bm.getTotalBonded(), LPT(11_100));

    // O1: 6,660 / 11,100 = 0.6 exactly -> 720.0792; commission 72.00792; 648.07128 over 6,660 = 0.097308
    const r = await rewardOf(1, LPT('720.0792'));
    assert.equal(share(mintable, s1, s1 + s2), r);
    F1[3] = F1[2] + percOf(F1[2], r - commission(r, CUT1), s1); // 1.099 * 1.097308 = 1.205941492
    assert.equal(F1[3], 1_205941492n * 10n ** 18n);
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O1, 3n)).cumulativeRewardFactor, F1[3]);
    // O1's 66 unclaimed LPT earn their share of the 648.07128 (66/6,660 truncated to 1e27): 6.422327999999999999
    const onRewards = percOf(r - commission(r, CUT1), cum1, s1);
    assert.equal(onRewards, 6_422327999999999999n);
    cum1 += onRewards + commission(r, CUT1); // 66 + 6.422327999999999999 + 72.00792
    assert.equal(cum1, 144_430247999999999999n);
    assert.equal((await bm.getTranscoder(O1)).cumulativeRewards, cum1);
    s1 += r; // 7,380.0792
    supply += r; // 10,001,820.0792

    // O2 does nothing this round: at the end of it only O1's share was minted
    assert.equal(await minter.currentMintedTokens(), r);
    assert.equal((await minter.currentMintableTokens()) - (await minter.currentMintedTokens()), LPT('480.0528')); // 1,200.132 * 0.4

    // D2 moves its bond from O1 to O2 (after O1's reward): 1,000 * 1.205941492 and 1,000 * 0.0001 ETH are claimed
    const receipt = await send(chain.as(bm, 6).bond(0n, O2));
    const [claimed] = eventsOf(bm, receipt, 'EarningsClaimed');
    assert.equal(claimed.args.delegate, O1);
    assert.equal(claimed.args.delegator, D2);
    assert.equal(claimed.args.rewards, LPT('205.941492'));
    assert.equal(claimed.args.fees, ETH(0.1));
    assert.equal(claimed.args.startRound, 2n);
    assert.equal(claimed.args.endRound, 3n);
    const [moved] = eventsOf(bm, receipt, 'Bond');
    assert.equal(moved.args.oldDelegate, O1);
    assert.equal(moved.args.newDelegate, O2);
    assert.equal(moved.args.additionalAmount, 0n);
    d2Bond = LPT('1205.941492');
    assert.equal(moved.args.bondedAmount, d2Bond);
    const d = await bm.getDelegator(D2);
    assert.equal(d.bondedAmount, d2Bond);
    assert.equal(d.fees, ETH(0.1));
    assert.equal(d.delegateAddress, O2);
    assert.equal(d.lastClaimRound, 3n);
    assert.equal(d.startRound, 4n);
    assert.equal(await bm.pendingStake(D2, 0n), d2Bond, 'nothing from O2 yet');
    s1 -= d2Bond; // 6,174.137708
    s2 += d2Bond; // 5,645.941492
    assert.equal(await bm.transcoderTotalStake(O1), LPT('6174.137708'));
    assert.equal(await bm.transcoderTotalStake(O2), LPT('5645.941492'));
    // O2's delegators did not move: no reward this round
    assert.equal(await bm.pendingStake(D3, 0n), LPT(2165));
  });

  it('round 4: rate still under the target, inflation 130,000; O2 rewards again (for this round only); a 2 ETH ticket for O2; D3 unbonds 500', async () => {
    // supply 10,001,820.0792 (round 3 minted 720.0792, not 1,200.132); active 6,174.137708 + 5,645.941492
    assert.equal(await token.totalSupply(), LPT('10001820.0792'));
    assert.equal(s1 + s2, LPT('11820.0792'));
    // rate = trunc(11,820.0792 * 1e9 / 10,001,820.0792) = 1,181,792 < 1,200,000 -> 130,000
    // mintable = 10,001,820.0792 * 0.00013 = 1,300.236610296
    const mintable = LPT('1300.236610296');
    assert.equal(((s1 + s2) * E9) / supply, 1_181_792n);
    await roundIs(4n, 130_000n, mintable);

    // O1: 6,174.137708 / 11,820.0792 -> 522,343,175 / 1e9 -> 679.169719273250329800 (truncated)
    assert.equal((s1 * E9) / (s1 + s2), 522_343_175n);
    const r1 = await rewardOf(1, 679_169719273250329800n);
    assert.equal(share(mintable, s1, s1 + s2), r1);
    // O2: 5,645.941492 / 11,820.0792 -> 477,656,824 / 1e9 -> 621.066889722513059904; nothing for round 3
    assert.equal((s2 * E9) / (s1 + s2), 477_656_824n);
    const r2 = await rewardOf(2, 621_066889722513059904n);
    assert.equal(share(mintable, s2, s1 + s2), r2);
    // 522,343,175 + 477,656,824 = 999,999,999 of 1e9: the truncated fractions leave 1/1e9 of the round
    // (1,300,236,610,296 wei) unminted
    assert.equal(await minter.currentMintedTokens(), r1 + r2);
    assert.equal(mintable - (r1 + r2), 1_300_236_610_296n);
    supply += r1 + r2;

    F1[4] = F1[3] + percOf(F1[3], r1 - commission(r1, CUT1), s1);
    assert.equal(F1[4], 1_325332261203012436691127597n); // ~1.205941492 * (1 + 611.25 / 6,174.14)
    cum1 += percOf(r1 - commission(r1, CUT1), cum1, s1) + commission(r1, CUT1);
    assert.equal(cum1, 226_646121258188146343n);
    // O2's previous reward was in round 2: that factor (1.0825) carries over round 3
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O2, 3n)).cumulativeRewardFactor, F2[2]);
    F2[3] = F2[2];
    F2[4] = F2[3] + percOf(F2[3], r2 - commission(r2, CUT2), s2);
    assert.equal(F2[4], 1_171808166194766739979097183n); // ~1.0825 * (1 + 465.80 / 5,645.94)
    const active2 = cum2; // O2's 110 LPT of round-2 commission, unclaimed
    cum2 += percOf(r2 - commission(r2, CUT2), cum2, s2) + commission(r2, CUT2);
    assert.equal(cum2, 274_341917147879388669n);
    for (const [o, f, c] of [[O1, F1[4], cum1], [O2, F2[4], cum2]]) {
      assert.equal((await bm.getTranscoderEarningsPoolForRound(o, 4n)).cumulativeRewardFactor, f);
      assert.equal((await bm.getTranscoder(o)).cumulativeRewards, c);
    }

    // 2 ETH ticket for O2: df = 1.6 over the round's 5,645.941492 LPT, times rewardFactor(3) = 1.0825
    await redeem(O2, ETH(2));
    feeF2 = percOf(F2[3], ETH(1.6), s2);
    assert.equal(feeF2, 306769030896645359710716n); // 0.000306769030896645359710716
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O2, 4n)).cumulativeFeeFactor, feeF2);
    // O2 keeps 0.4 and the part of the 1.6 earned by its 110 unclaimed LPT: 1.6 * 110 / 5,645.941492
    const o2Fees = ETH(0.4) + percOf(ETH(1.6), active2, s2);
    assert.equal(o2Fees, 431172834548388904n);
    assert.equal((await bm.getTranscoder(O2)).cumulativeFees, o2Fees);
    // D2 (in O2's pool since this round) bonded 1,205.941492 at factor 1.0825: its share of the 1.6
    const d2Fees = percOf(d2Bond, feeF2, F2[3]);
    assert.equal(d2Fees, 341751041865029656n);
    assert.equal(await bm.pendingFees(D2, 0n), ETH(0.1) + d2Fees);
    // D3 2,000 and O2 2,000 at factor 1: 2,000 * feeFactor each
    const perTwoThousand = percOf(LPT(2000), feeF2, E27);
    assert.equal(perTwoThousand, 613538061793290719n);
    assert.equal(await bm.pendingFees(D3, 0n), perTwoThousand);
    assert.equal(await bm.pendingFees(O2, 0n), perTwoThousand + o2Fees);
    // the 2 ETH are all accounted for, less 2 wei of truncation
    assert.equal(d2Fees + 2n * perTwoThousand + o2Fees, ETH(2) - 2n);

    // D3 unbonds 500 in round 4: its earnings are claimed first (2,000 * F2[4]), the lock opens in round 6
    d3Bond = percOf(LPT(2000), F2[4], E27);
    assert.equal(d3Bond, 2343_616332389533479958n);
    d3Fees = perTwoThousand;
    const receipt = await send(chain.as(bm, 7).unbond(LPT(500)));
    const [ev] = eventsOf(bm, receipt, 'Unbond');
    assert.equal(ev.args.delegate, O2);
    assert.equal(ev.args.unbondingLockId, 0n);
    assert.equal(ev.args.amount, LPT(500));
    assert.equal(ev.args.withdrawRound, 6n); // 4 + unbondingPeriod 2
    d3Bond -= LPT(500);
    const d = await bm.getDelegator(D3);
    assert.equal(d.bondedAmount, d3Bond);
    assert.equal(d.fees, d3Fees);
    assert.equal(d.lastClaimRound, 4n);
    s1 += r1;
    s2 += r2 - LPT(500);
    assert.equal(await bm.transcoderTotalStake(O1), s1);
    assert.equal(await bm.transcoderTotalStake(O2), s2);
    await assert.rejects(chain.as(bm, 7).withdrawStake(0n), /withdraw round must be before or equal to the current round/);
  });

  it('round 5: above the target, inflation falls to 120,000; a 1.5 ETH ticket for O1; withdrawStake one round early reverts; D3 unbonds 300 more', async () => {
    assert.equal(await token.totalSupply(), supply); // 10,004,320.690245692468443412
    assert.equal(s1 + s2, 12620_315808995763389704n);
    // rate = trunc(12,620.3158... * 1e9 / 10,004,320.6902...) = 1,261,637 > 1,200,000 -> 130,000 - 10,000
    assert.equal(((s1 + s2) * E9) / supply, 1_261_637n);
    const mintable = (supply * 120_000n) / E9; // 1,200.374437897079491606 (truncated)
    assert.equal(mintable, 1200_374437897079491606n);
    await roundIs(5n, 120_000n, mintable);

    const r1 = await rewardOf(1, share(mintable, s1, s1 + s2));
    assert.equal(r1, 651_848588298916138603n);
    const r2 = await rewardOf(2, share(mintable, s2, s1 + s2));
    assert.equal(r2, 548_525848397788915105n);
    supply += r1 + r2;
    F1[5] = F1[4] + percOf(F1[4], r1 - commission(r1, CUT1), s1);
    assert.equal(F1[5], 1_438784689157544020660695709n);
    const active1 = cum1; // O1's unclaimed rewards before this round's reward
    cum1 += percOf(r1 - commission(r1, CUT1), cum1, s1) + commission(r1, CUT1);
    assert.equal(cum1, 311_232569784446365098n);
    F2[5] = F2[4] + percOf(F2[4], r2 - commission(r2, CUT2), s2);
    assert.equal(F2[5], 1_255400085866486216555716836n);
    cum2 += percOf(r2 - commission(r2, CUT2), cum2, s2) + commission(r2, CUT2);
    assert.equal(cum2, 431_043790311520710717n);
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O1, 5n)).cumulativeRewardFactor, F1[5]);
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O2, 5n)).cumulativeRewardFactor, F2[5]);
    assert.equal((await bm.getTranscoder(O1)).cumulativeRewards, cum1);
    assert.equal((await bm.getTranscoder(O2)).cumulativeRewards, cum2);

    // 1.5 ETH for O1: df = 0.75 over the round's stake, times rewardFactor(4); fee factor continues from round 2's
    await redeem(O1, ETH(1.5));
    feeF1 += percOf(F1[4], ETH(0.75), s1);
    assert.equal(feeF1, 245039341434847218570177n); // 0.0001 + 0.000145039341434847218570177
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O1, 5n)).cumulativeFeeFactor, feeF1);
    // O1 keeps 0.75, plus what its 226.646... unclaimed LPT earn of the 0.75, on top of round 2's 0.6
    const onRewards = percOf(ETH(0.75), active1, s1);
    assert.equal(onRewards, 24803292825763907n);
    assert.equal((await bm.getTranscoder(O1)).cumulativeFees, ETH(0.6) + ETH(0.75) + onRewards);

    // D3's lock 0 (withdraw round 6) cannot be withdrawn in round 5
    await assert.rejects(chain.as(bm, 7).withdrawStake(0n), /withdraw round must be before or equal to the current round/);
    // D3 unbonds 300 more: claims round 5's growth first (no fees for O2 this round)
    d3Bond = percOf(d3Bond, F2[5], F2[4]);
    assert.equal(d3Bond, 1975_132251810904904352n); // 1,843.616... * 1.2554... / 1.1718...
    const receipt = await send(chain.as(bm, 7).unbond(LPT(300)));
    const [claimed] = eventsOf(bm, receipt, 'EarningsClaimed');
    assert.equal(claimed.args.startRound, 5n);
    assert.equal(claimed.args.endRound, 5n);
    assert.equal(claimed.args.fees, 0n);
    assert.equal(claimed.args.rewards, d3Bond - (2343_616332389533479958n - LPT(500)));
    const [ev] = eventsOf(bm, receipt, 'Unbond');
    assert.equal(ev.args.unbondingLockId, 1n);
    assert.equal(ev.args.withdrawRound, 7n);
    d3Bond -= LPT(300);
    assert.equal((await bm.getDelegator(D3)).bondedAmount, d3Bond);
    assert.equal((await bm.getDelegator(D3)).fees, d3Fees);
    s1 += r1;
    s2 += r2 - LPT(300);
    assert.equal(await bm.transcoderTotalStake(O1), s1);
    assert.equal(await bm.transcoderTotalStake(O2), s2);
    assert.deepEqual([...(await bm.getDelegatorUnbondingLock(D3, 0n))], [LPT(500), 6n]);
    assert.deepEqual([...(await bm.getDelegatorUnbondingLock(D3, 1n))], [LPT(300), 7n]);
  });

  it('round 6: inflation 110,000; D3 withdraws lock 0 (unbonded in round 4 = 4 + 2) and rebonds lock 1 before it opens', async () => {
    // rate = trunc(13,520.69... * 1e9 / 10,005,521.06...) = 1,351,485 > target -> 110,000
    assert.equal(((s1 + s2) * E9) / supply, 1_351_485n);
    const mintable = (supply * 110_000n) / E9;
    assert.equal(mintable, 1100_475275927026171528n);
    await roundIs(6n, 110_000n, mintable);

    assert.equal((s1 * E9) / (s1 + s2), 555_086_750n);
    assert.equal((s2 * E9) / (s1 + s2), 444_913_249n);
    const r1 = await rewardOf(1, share(mintable, s1, s1 + s2));
    assert.equal(r1, 610_859244369686194718n);
    const r2 = await rewardOf(2, share(mintable, s2, s1 + s2));
    assert.equal(r2, 489_616030456864700882n);
    supply += r1 + r2;
    F1[6] = F1[5] + percOf(F1[5], r1 - commission(r1, CUT1), s1);
    assert.equal(F1[6], 1_544179624797160115781709351n);
    cum1 += percOf(r1 - commission(r1, CUT1), cum1, s1) + commission(r1, CUT1);
    F2[6] = F2[5] + percOf(F2[5], r2 - commission(r2, CUT2), s2);
    assert.equal(F2[6], 1_332034676805992476242293009n);
    cum2 += percOf(r2 - commission(r2, CUT2), cum2, s2) + commission(r2, CUT2);

    // withdraw lock 0: the 500 LPT come back from the Minter
    const lpt = await token.balanceOf(D3);
    const receipt = await send(chain.as(bm, 7).withdrawStake(0n));
    const [ev] = eventsOf(bm, receipt, 'WithdrawStake');
    assert.equal(ev.args.delegator, D3);
    assert.equal(ev.args.unbondingLockId, 0n);
    assert.equal(ev.args.amount, LPT(500));
    assert.equal(ev.args.withdrawRound, 6n);
    assert.equal(await token.balanceOf(D3), lpt + LPT(500));
    assert.equal(await bm.isValidUnbondingLock(D3, 0n), false);
    await assert.rejects(chain.as(bm, 7).withdrawStake(0n), /invalid unbonding lock ID/);
    await assert.rejects(chain.as(bm, 7).withdrawStake(1n), /withdraw round must be before or equal to the current round/);

    // rebond lock 1 (300): round 6's growth is claimed first, then the 300 go back to O2
    d3Bond = percOf(d3Bond, F2[6], F2[5]);
    assert.equal(d3Bond, 1777_388955735294607378n);
    const rebond = await send(chain.as(bm, 7).rebond(1n));
    const [rb] = eventsOf(bm, rebond, 'Rebond');
    assert.equal(rb.args.delegate, O2);
    assert.equal(rb.args.unbondingLockId, 1n);
    assert.equal(rb.args.amount, LPT(300));
    d3Bond += LPT(300);
    assert.equal(d3Bond, 2077_388955735294607378n);
    const d = await bm.getDelegator(D3);
    assert.equal(d.bondedAmount, d3Bond);
    assert.equal(d.lastClaimRound, 6n);
    assert.equal(await bm.delegatorStatus(D3), BONDED);
    assert.equal(await bm.isValidUnbondingLock(D3, 1n), false);
    await assert.rejects(chain.as(bm, 7).withdrawStake(1n), /invalid unbonding lock ID/);
    s1 += r1;
    s2 += r2 + LPT(300);
    assert.equal(await bm.transcoderTotalStake(O1), s1);
    assert.equal(await bm.transcoderTotalStake(O2), s2);
  });

  it('round 7: inflation 100,000; D1, which never claimed, claims: its bond is its pendingStake and its fees its pendingFees', async () => {
    // rate = trunc(14,921.16... * 1e9 / 10,006,621.54...) = 1,491,308 > target -> 100,000
    assert.equal(((s1 + s2) * E9) / supply, 1_491_308n);
    const mintable = (supply * 100_000n) / E9;
    assert.equal(mintable, 1000_542116552051901933n);
    await roundIs(7n, 100_000n, mintable);
    const r1 = await rewardOf(1, share(mintable, s1, s1 + s2));
    assert.equal(r1, 544_221231482853341549n);
    const r2 = await rewardOf(2, share(mintable, s2, s1 + s2));
    assert.equal(r2, 456_320884068656443831n);
    supply += r1 + r2;
    assert.equal(await token.totalSupply(), supply);
    assert.equal(supply, 10006421_707636070529124392n);
    F1[7] = F1[6] + percOf(F1[6], r1 - commission(r1, CUT1), s1);
    assert.equal(F1[7], 1_637370406123940864285036843n);
    cum1 += percOf(r1 - commission(r1, CUT1), cum1, s1) + commission(r1, CUT1);
    assert.equal(cum1, 473_384460805001683242n);
    F2[7] = F2[6] + percOf(F2[6], r2 - commission(r2, CUT2), s2);
    assert.equal(F2[7], 1_399024590847802159135943641n);
    s1 += r1;
    s2 += r2;

    // D1: 2,000 LPT bonded in round 1 (factor 1), fees from rounds 2 and 5 (fee factor 0.000245039...)
    const stake = percOf(LPT(2000), F1[7], E27);
    const fees = percOf(LPT(2000), feeF1, E27);
    assert.equal(stake, 3274_740812247881728570n); // 2,000 * 1.637370406123940864285036843
    assert.equal(fees, 490078682869694437n); // 0.2 from round 2 + 0.290078682869694437 from round 5
    const pendingStake = await bm.pendingStake(D1, 0n);
    const pendingFees = await bm.pendingFees(D1, 0n);
    assert.equal(pendingStake, stake);
    assert.equal(pendingFees, fees);
    let d = await bm.getDelegator(D1);
    assert.equal(d.bondedAmount, LPT(2000), 'nothing claimed in six rounds');
    assert.equal(d.lastClaimRound, 1n);

    const receipt = await send(chain.as(bm, 5).claimEarnings(0n));
    const [ev] = eventsOf(bm, receipt, 'EarningsClaimed');
    assert.equal(ev.args.delegate, O1);
    assert.equal(ev.args.rewards, stake - LPT(2000));
    assert.equal(ev.args.fees, fees);
    assert.equal(ev.args.startRound, 2n);
    assert.equal(ev.args.endRound, 7n);
    d = await bm.getDelegator(D1);
    assert.equal(d.bondedAmount, pendingStake);
    assert.equal(d.fees, pendingFees);
    assert.equal(d.lastClaimRound, 7n);
    assert.equal(await bm.pendingStake(D1, 0n), pendingStake, 'a claim changes nothing it is owed');

    // O1's own: 3,000 * F1[7] + its unclaimed rewards; fees 3,000 * feeFactor + what it kept (0.6 + 0.75 + 0.0248...)
    const o1Stake = percOf(LPT(3000), F1[7], E27) + cum1;
    assert.equal(o1Stake, 5385_495679176824276097n);
    assert.equal(await bm.pendingStake(O1, 0n), o1Stake);
    const o1Fees = percOf(LPT(3000), feeF1, E27) + ETH(0.6) + ETH(0.75) + 24803292825763907n;
    assert.equal(o1Fees, 2109921317130305562n);
    assert.equal(await bm.pendingFees(O1, 0n), o1Fees);
    // O1's 2.7 ETH of tickets: D1 + O1 + D2's 0.1 (claimed at the move) = 2.7 less 1 wei of truncation
    assert.equal(fees + o1Fees + ETH(0.1), ETH(2.7) - 1n);
    // O1's pool holds what its two remaining delegators own, plus 3 wei of truncation dust
    assert.equal(await bm.transcoderTotalStake(O1), s1);
    assert.equal(s1 - (o1Stake + stake), 3n);

    // D2, with O2 since round 4: its bond at the move grown by F2[7] / F2[3]; fees 0.1 + its share of round 4's
    assert.equal(await bm.pendingStake(D2, 0n), percOf(d2Bond, F2[7], F2[3]));
    assert.equal(percOf(d2Bond, F2[7], F2[3]), 1558_560556518880444073n);
    assert.equal(await bm.pendingFees(D2, 0n), 441751041865029656n); // 0.1 + 0.341751041865029656
    // D3: its bond since the rebond in round 6 grown by F2[7] / F2[6]; fees unchanged since round 4
    assert.equal(await bm.pendingStake(D3, 0n), percOf(d3Bond, F2[7], F2[6]));
    assert.equal(percOf(d3Bond, F2[7], F2[6]), 2181_863794115482716165n);
    assert.equal(await bm.pendingFees(D3, 0n), d3Fees);
    assert.equal(await bm.delegatorStatus(D2), BONDED);
    assert.equal(await bm.delegatorStatus(D1), BONDED);
  });
});
