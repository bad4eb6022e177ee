// Ticket fees through the Minter and LIP-36 fee pools; every expectation is worked out by hand:
//   delegatorsFees = fees * feeShare; the transcoder keeps the rest, plus delegatorsFees * unclaimedRewards / stake
//   cumulativeFeeFactor += cumulativeRewardFactor(previous round) * delegatorsFees / stake   (1e27 = 1)
//   a delegator's fees = bond * (feeFactor(now) - feeFactor(last claim)) / rewardFactor(last claim)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { TEST_TIMEOUT, setupChain, send, eventsOf, newTicket, signTicket } from './helpers.mjs';

const ETH = (n) => ethers.parseEther(String(n));
const LPT = ETH;
const E27 = 10n ** 27n;
/** Livepeer's PreciseMathUtils.percOf(a, num, den): the fraction is truncated to 1e27 first. */
const precisePercOf = (a, num, den) => (a * ((num * E27) / den)) / E27;

describe('fees', TEST_TIMEOUT, () => {
  let chain, bm, tb, token, minter;
  let O1, D5, R7, R9;
  let nonce = 0n;

  async function redeem(recipient, faceValue) {
    const { ticket, recipientRand } = await newTicket(chain, { recipient, sender: chain.keys[4].address, faceValue, senderNonce: ++nonce });
    return await send(chain.as(tb, 0).redeemWinningTicket(ticket, await signTicket(chain.keys[4], ticket), recipientRand)); // sent by a third party
  }

  before(async () => {
    // inflation fixed at 0.01% of 10,000,000 LPT = 1,000 LPT per round
    chain = await setupChain({ inflation: 100_000n, inflationChange: 0n });
    ({ bondingManager: bm, ticketBroker: tb, token, minter } = chain.contracts);
    [O1, D5, R7, R9] = [1, 5, 7, 9].map((i) => chain.keys[i].address);
    for (const i of [1, 2, 5]) await send(chain.as(token, i).approve(bm.target, LPT(1000)));
    // O1: 60 self + 40 from D5, rewardCut 10%, feeShare 50%; O2: 100, so O1 has half the active stake
    await send(chain.as(bm, 1).bond(LPT(60), O1));
    await send(chain.as(bm, 1).transcoder(100_000, 500_000));
    await send(chain.as(bm, 5).bond(LPT(40), O1));
    await send(chain.as(bm, 2).bond(LPT(100), chain.keys[2].address));
    await send(chain.as(bm, 2).transcoder(0, 0));
    await send(chain.as(tb, 4).fundDepositAndReserve(ETH(10), ETH(1), { value: ETH(11) }));
    await chain.advanceRound(); // round 2
  });
  after(async () => {
    await chain?.stop();
  });

  it('round 2, after reward (500 minted, factor 5.5): a 1 ETH ticket splits 0.5 / 0.5, delegators by stake', async () => {
    await send(chain.as(bm, 1).reward());
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O1, 2n)).cumulativeRewardFactor, E27 * 55n / 10n);
    const minterEth = await chain.provider.getBalance(minter.target);
    const o1Eth = await chain.provider.getBalance(O1);

    const receipt = await redeem(O1, ETH(1));
    assert.ok(receipt.gasUsed < 400_000n, `redemption used ${receipt.gasUsed} gas (the orchestrator budgets 400,000 per batched ticket)`);
    assert.equal(await chain.provider.getBalance(minter.target), minterEth, 'the ETH stays in the Minter');
    assert.equal(await chain.provider.getBalance(O1), o1Eth, 'nothing is sent to the orchestrator');

    const t = await bm.getTranscoder(O1);
    assert.equal(t.cumulativeFees, ETH(0.5)); // its 50% commission; no unclaimed rewards were active yet
    assert.equal(t.lastFeeRound, 2n);
    // 0.5 ETH over 100 LPT of round-2 stake, times the previous round's reward factor (1)
    const cff2 = (E27 * ((ETH(0.5) * E27) / LPT(100))) / E27;
    assert.equal(cff2, 5n * 10n ** 24n); // 0.005
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O1, 2n)).cumulativeFeeFactor, cff2);
    assert.equal(await bm.pendingFees(D5, 0n), ETH(0.2)); // 40 of 100
    assert.equal(await bm.pendingFees(O1, 0n), ETH(0.3) + ETH(0.5)); // 60 of 100, plus the commission
    assert.equal(await bm.transcoderFeesForRound(O1, 2n), ETH(1));
  });

  it('round 3, before reward: O1’s 50 LPT of unclaimed commission earn it part of the delegators’ half', async () => {
    await chain.advanceRound(); // round 3: O1's pool stake is 600 (100 + 500 reward)
    await redeem(O1, ETH(1));
    const onRewards = precisePercOf(ETH(0.5), LPT(50), LPT(600)); // 0.041666666666666666
    assert.equal(onRewards, 41_666_666_666_666_666n);
    const t = await bm.getTranscoder(O1);
    assert.equal(t.cumulativeFees, ETH(0.5) + ETH(0.5) + onRewards);

    const cff3 = 5n * 10n ** 24n + precisePercOf(E27 * 55n / 10n, ETH(0.5), LPT(600));
    assert.equal(cff3, 9_583_333_333_333_333_333_333_331n);
    assert.equal((await bm.getTranscoderEarningsPoolForRound(O1, 3n)).cumulativeFeeFactor, cff3);
    // D5: 40 bonded at its last claim (round 1, factor 1) -> 0.2 + 0.5 * 220/600 = 0.38333...
    const d5Fees = precisePercOf(LPT(40), cff3, E27);
    assert.equal(d5Fees, 383_333_333_333_333_333n);
    assert.equal(await bm.pendingFees(D5, 0n), d5Fees);
    const o1Fees = precisePercOf(LPT(60), cff3, E27) + t.cumulativeFees; // 0.575 + 1.041666...
    assert.equal(o1Fees, 1_616_666_666_666_666_665n);
    assert.equal(await bm.pendingFees(O1, 0n), o1Fees);
    // 2 ETH of tickets; 2 wei lost to truncation
    assert.equal(d5Fees + o1Fees, ETH(2) - 2n);
  });

  it('withdrawFees claims first, then pays the recipient from the Minter', async () => {
    await assert.rejects(chain.as(bm, 5).withdrawFees(ethers.ZeroAddress, 1n), /invalid recipient/);
    await assert.rejects(chain.as(bm, 5).withdrawFees(R7, ETH(0.39)), /insufficient fees to withdraw/);
    const r7 = await chain.provider.getBalance(R7);
    const minterEth = await chain.provider.getBalance(minter.target);
    const receipt = await send(chain.as(bm, 5).withdrawFees(R7, ETH(0.38)));
    const [claimed] = eventsOf(bm, receipt, 'EarningsClaimed');
    assert.equal(claimed.args.fees, 383_333_333_333_333_333n);
    assert.equal(claimed.args.rewards, LPT(220) - LPT(40)); // 40 * 5.5
    const [w] = eventsOf(bm, receipt, 'WithdrawFees');
    assert.equal(w.args.delegator, D5);
    assert.equal(w.args.recipient, R7);
    assert.equal(w.args.amount, ETH(0.38));
    assert.equal(await chain.provider.getBalance(R7), r7 + ETH(0.38));
    assert.equal(await chain.provider.getBalance(minter.target), minterEth - ETH(0.38));
    const d = await bm.getDelegator(D5);
    assert.equal(d.fees, 3_333_333_333_333_333n);
    assert.equal(d.bondedAmount, LPT(220));
    assert.equal(d.lastClaimRound, 3n);
  });

  it('the orchestrator claims: commission and fee pool move into its bond and fees, its counters reset', async () => {
    const receipt = await send(chain.as(bm, 1).claimEarnings(0n));
    const [ev] = eventsOf(bm, receipt, 'EarningsClaimed');
    assert.equal(ev.args.rewards, LPT(380) - LPT(60)); // 60 * 5.5 + 50 commission
    assert.equal(ev.args.fees, 1_616_666_666_666_666_665n);
    const d = await bm.getDelegator(O1);
    assert.equal(d.bondedAmount, LPT(380));
    assert.equal(d.fees, 1_616_666_666_666_666_665n);
    assert.equal(d.delegatedAmount, LPT(600));
    const t = await bm.getTranscoder(O1);
    assert.equal(t.cumulativeFees, 0n);
    assert.equal(t.cumulativeRewards, 0n);
    assert.equal(await bm.pendingFees(O1, 0n), d.fees);
    assert.equal(await bm.pendingStake(O1, 0n), LPT(380));
    // 380 + 220 = 600: the pool's stake is exactly what its delegators own
    assert.equal((await bm.pendingStake(D5, 0n)) + (await bm.pendingStake(O1, 0n)), await bm.transcoderTotalStake(O1));
  });

  it('a ticket for an address that is not a registered transcoder is refused, as in Livepeer', async () => {
    await assert.rejects(redeem(R9, ETH(0.1)), /transcoder must be registered/);
  });

  it('the sender’s withdraw is paid by the Minter', async () => {
    await send(chain.as(tb, 4).unlock());
    await chain.advanceRound();
    await chain.advanceRound();
    const [info, reserve] = await tb.getSenderInfo(chain.keys[4].address);
    assert.equal(info.deposit, ETH(8)); // 10 - two 1 ETH tickets
    const minterEth = await chain.provider.getBalance(minter.target);
    await send(chain.as(tb, 4).withdraw());
    assert.equal(await chain.provider.getBalance(minter.target), minterEth - ETH(8) - reserve.fundsRemaining);
  });
});
