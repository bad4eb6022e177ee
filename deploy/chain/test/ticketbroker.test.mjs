// TicketBroker: funding, winning-ticket redemption and its checks, reserve, batch redemption, unlock/withdraw.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { TEST_TIMEOUT, setupChain, send, eventsOf, auxData, ticketHash, signTicket, newTicket, MAX_UINT256 } from './helpers.mjs';
import { mineBlocks } from '../deploy.mjs';

const ETH = (n) => ethers.parseEther(String(n));
const LPT = ETH;
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe('TicketBroker', TEST_TIMEOUT, () => {
  let chain, tb, bm, rm;
  let O1, O2, S, S2, R9;
  const sender = () => chain.keys[4];

  async function balance(addr) {
    return await chain.provider.getBalance(addr);
  }
  /** A winning ticket's value is credited to the recipient's fees in the BondingManager (feeShare 0: all its own). */
  async function fees(addr) {
    return await bm.pendingFees(addr, 0n);
  }

  before(async () => {
    chain = await setupChain();
    ({ ticketBroker: tb, bondingManager: bm, roundsManager: rm } = chain.contracts);
    [O1, O2, S, S2, R9] = [1, 2, 4, 8, 9].map((i) => chain.keys[i].address);
    for (const [i, stake] of [[1, 50], [2, 30], [3, 20]]) {
      await send(chain.as(chain.contracts.token, i).approve(bm.target, LPT(stake)));
      await send(chain.as(bm, i).bond(LPT(stake), chain.keys[i].address));
      await send(chain.as(bm, i).transcoder(0, 0));
    }
    await chain.advanceRound();
    for (const i of [1, 2, 3]) assert.equal(await bm.isActiveTranscoder(chain.keys[i].address), true);
  });
  after(async () => {
    await chain?.stop();
  });

  it('parameters: unlockPeriod 2, ticketValidityPeriod 2', async () => {
    assert.equal(await tb.unlockPeriod(), 2n);
    assert.equal(await tb.ticketValidityPeriod(), 2n);
  });

  it('funds deposit and reserve (DepositFunded/ReserveFunded) and reports them in getSenderInfo', async () => {
    await assert.rejects(
      chain.as(tb, 4).fundDepositAndReserve(ETH(1), ETH(3), { value: ETH(3) }),
      /msg.value does not equal sum of deposit amount and reserve amount/,
    );
    const receipt = await send(chain.as(tb, 4).fundDepositAndReserve(ETH(1), ETH(2), { value: ETH(3) }));
    const [dep] = eventsOf(tb, receipt, 'DepositFunded');
    const [res] = eventsOf(tb, receipt, 'ReserveFunded');
    assert.equal(dep.log.topics[0], '0x5159e237d952190e68d5215430f305831be7c9c8776d1377c76679ae4773413f');
    assert.equal(res.log.topics[0], '0xb52b99b9e83551fcbd069b559cc3e823e2a1a3bad8ece46561ea77524394c850');
    assert.equal(dep.args.sender, S);
    assert.equal(dep.args.amount, ETH(1));
    assert.equal(res.args.reserveHolder, S);
    assert.equal(res.args.amount, ETH(2));

    await send(chain.as(tb, 4).fundDeposit({ value: ETH(0.5) }));
    await send(chain.as(tb, 4).fundReserve({ value: ETH(1) }));
    const [info, reserve] = await tb.getSenderInfo(S);
    assert.equal(info.deposit, ETH(1.5));
    assert.equal(info.withdrawRound, 0n);
    assert.equal(reserve.fundsRemaining, ETH(3));
    assert.equal(reserve.claimedInCurrentRound, 0n);
    assert.equal((await tb.getReserveInfo(S)).fundsRemaining, ETH(3));

    // someone else funds S2
    await send(chain.as(tb, 0).fundDepositAndReserveFor(S2, ETH(0.05), ETH(0.9), { value: ETH(0.95) }));
    const [info2, reserve2] = await tb.getSenderInfo(S2);
    assert.equal(info2.deposit, ETH(0.05));
    assert.equal(reserve2.fundsRemaining, ETH(0.9));
    assert.equal(await balance(chain.addresses.minter), ETH(3) + ETH(0.5) + ETH(1) + ETH(0.95), 'the Minter holds the ETH');
    assert.equal(await balance(tb.target), 0n);
  });

  it('redeems a signed winning ticket: faceValue credited to the recipient’s fees, events emitted, replay refused', async () => {
    await chain.advanceRound();
    const round = await rm.currentRound();
    const faceValue = ETH(0.1);
    const { ticket, recipientRand } = await newTicket(chain, { recipient: O1, sender: S, faceValue, senderNonce: 1n });
    assert.equal(ticket.auxData, auxData(round, await rm.blockHashForRound(round)));
    const sig = await signTicket(sender(), ticket);
    assert.equal(ethers.getBytes(sig).length, 65);
    const hash = await tb.getTicketHash(ticket);
    assert.equal(hash, ticketHash(ticket));
    assert.equal(ethers.verifyMessage(ethers.getBytes(hash), sig), S);

    const before = await fees(O1);
    const ethBefore = await balance(O1);
    const depositBefore = (await tb.getSenderInfo(S))[0].deposit;
    const receipt = await send(chain.as(tb, 1).redeemWinningTicket(ticket, sig, recipientRand));
    assert.equal(await fees(O1), before + faceValue, 'the recipient’s fees grow by faceValue');
    assert.equal(await balance(O1), ethBefore - receipt.fee, 'no ETH is sent on redemption');
    assert.equal((await tb.getSenderInfo(S))[0].deposit, depositBefore - faceValue);

    const [red] = eventsOf(tb, receipt, 'WinningTicketRedeemed');
    assert.equal(red.log.topics[0], '0xc389eb51ed006dbf2528507f010efdf5225ea596e1e1741d74f550dab1925ee7');
    assert.equal(red.log.topics[1], ethers.zeroPadValue(S, 32).toLowerCase());
    assert.equal(red.log.topics[2], ethers.zeroPadValue(O1, 32).toLowerCase());
    assert.equal(red.args.faceValue, faceValue);
    assert.equal(red.args.winProb, MAX_UINT256);
    assert.equal(red.args.senderNonce, 1n);
    assert.equal(red.args.recipientRand, recipientRand);
    assert.equal(red.args.auxData, ticket.auxData);
    const [xfer] = eventsOf(tb, receipt, 'WinningTicketTransfer');
    assert.equal(xfer.log.topics[0], '0x8b87351a208c06e3ceee59d80725fd77a23b4129e1b51ca231fc89b40712649c');
    assert.equal(xfer.args.amount, faceValue);
    assert.equal(eventsOf(tb, receipt, 'ReserveClaimed').length, 0, 'paid from deposit');

    assert.equal(await tb.usedTickets(hash), true);
    const t = await bm.getTranscoder(O1);
    assert.equal(t.cumulativeFees, faceValue);
    assert.equal(t.lastFeeRound, round);
    assert.equal(await bm.transcoderFeesForRound(O1, round), faceValue);

    await assert.rejects(chain.as(tb, 1).redeemWinningTicket(ticket, sig, recipientRand), /ticket is used/);
    // check order: recipientRand before "used", "used" before the signature
    await assert.rejects(chain.as(tb, 1).redeemWinningTicket(ticket, sig, recipientRand + 1n), /recipientRand does not match/);
    await assert.rejects(chain.as(tb, 1).redeemWinningTicket(ticket, await signTicket(chain.keys[5], ticket), recipientRand), /ticket is used/);
  });

  it('refuses invalid tickets with the reference checks', async () => {
    await chain.advanceRound();
    const round = await rm.currentRound();
    const fv = ETH(0.01);
    const redeem = (t, sig, rand) => chain.as(tb, 1).redeemWinningTicket(t, sig, rand);
    const { ticket, recipientRand } = await newTicket(chain, { recipient: O1, sender: S, faceValue: fv, senderNonce: 2n });
    const good = await signTicket(sender(), ticket);

    // signed by someone other than the sender
    await assert.rejects(redeem(ticket, await signTicket(chain.keys[5], ticket), recipientRand), /invalid signature over ticket hash/);
    // the same signature with s -> n - s (high s) still recovers S with plain ecrecover, but is refused
    const parsed = ethers.Signature.from(good);
    const highS = ethers.concat([parsed.r, ethers.toBeHex(SECP256K1_N - BigInt(parsed.s), 32), ethers.toBeHex(parsed.v === 27 ? 28 : 27, 1)]);
    // (ethers refuses to recover a high-s signature, so ask the chain's ecrecover precompile directly)
    const digest = ethers.hashMessage(ethers.getBytes(ticketHash(ticket)));
    const recovered = await chain.provider.call({
      to: '0x0000000000000000000000000000000000000001',
      data: ethers.concat([digest, ethers.toBeHex(parsed.v === 27 ? 28 : 27, 32), parsed.r, ethers.toBeHex(SECP256K1_N - BigInt(parsed.s), 32)]),
    });
    assert.equal(ethers.getAddress(ethers.dataSlice(recovered, 12)), S);
    await assert.rejects(redeem(ticket, highS, recipientRand), /invalid signature over ticket hash/);
    // v in {0,1} is refused
    const v01 = ethers.concat([parsed.r, parsed.s, ethers.toBeHex(parsed.v - 27, 1)]);
    await assert.rejects(redeem(ticket, v01, recipientRand), /invalid signature over ticket hash/);
    // 64-byte signature
    await assert.rejects(redeem(ticket, ethers.dataSlice(good, 0, 64), recipientRand), /invalid signature over ticket hash/);
    // wrong recipientRand
    await assert.rejects(redeem(ticket, good, recipientRand + 1n), /recipientRand does not match recipientRandHash/);
    // a losing ticket
    const lose = { ...ticket, winProb: 0n };
    await assert.rejects(redeem(lose, await signTicket(sender(), lose), recipientRand), /ticket did not win/);
    // auxData problems
    const noAux = { ...ticket, auxData: '0x' };
    await assert.rejects(redeem(noAux, await signTicket(sender(), noAux), recipientRand), /invalid length for ticket auxData: must be 64 bytes/);
    const badHash = { ...ticket, auxData: auxData(round, ethers.keccak256('0x1234')) };
    await assert.rejects(redeem(badHash, await signTicket(sender(), badHash), recipientRand), /ticket creationRoundBlockHash invalid for creationRound/);
    const future = { ...ticket, auxData: auxData(round + 5n, await rm.blockHashForRound(round)) };
    await assert.rejects(redeem(future, await signTicket(sender(), future), recipientRand), /ticket creationRound does not have a block hash/);
    // null parties
    const noRecipient = { ...ticket, recipient: ethers.ZeroAddress };
    await assert.rejects(redeem(noRecipient, good, recipientRand), /ticket recipient is null address/);
    const noSender = { ...ticket, sender: ethers.ZeroAddress };
    await assert.rejects(redeem(noSender, good, recipientRand), /ticket sender is null address/);
    // a sender with no funds
    const broke = { ...ticket, sender: chain.keys[6].address };
    await assert.rejects(redeem(broke, await signTicket(chain.keys[6], broke), recipientRand), /sender deposit and reserve are zero/);

    // nothing above was consumed: the genuine ticket still redeems
    await send(redeem(ticket, good, recipientRand));
  });

  it('a ticket is valid for ticketValidityPeriod rounds, then expired', async () => {
    await chain.advanceRound();
    const a = await newTicket(chain, { recipient: O2, sender: S, faceValue: ETH(0.01), senderNonce: 3n });
    const b = await newTicket(chain, { recipient: O2, sender: S, faceValue: ETH(0.01), senderNonce: 4n });
    const sigA = await signTicket(sender(), a.ticket);
    const sigB = await signTicket(sender(), b.ticket);
    await chain.advanceRound(); // creationRound + 1: still valid
    await send(chain.as(tb, 2).redeemWinningTicket(a.ticket, sigA, a.recipientRand));
    await chain.advanceRound(); // creationRound + 2: expired
    await assert.rejects(chain.as(tb, 2).redeemWinningTicket(b.ticket, sigB, b.recipientRand), /ticket is expired/);
  });

  it('refuses redemption while the current round is not initialized', async () => {
    await chain.advanceRound();
    const { ticket, recipientRand } = await newTicket(chain, { recipient: O2, sender: S, faceValue: ETH(0.01), senderNonce: 5n });
    const sig = await signTicket(sender(), ticket);
    const start = await rm.currentRoundStartBlock();
    const latest = BigInt(await chain.provider.getBlockNumber());
    await mineBlocks(chain.provider, Number(start + (await rm.roundLength()) - latest));
    assert.equal(await rm.currentRoundInitialized(), false);
    await assert.rejects(chain.as(tb, 2).redeemWinningTicket(ticket, sig, recipientRand), /current round is not initialized/);
    await send(chain.as(rm, 0).initializeRound());
    await send(chain.as(tb, 2).redeemWinningTicket(ticket, sig, recipientRand));
  });

  it('pays from the reserve when faceValue exceeds the deposit, up to the recipient’s share', async () => {
    await chain.advanceRound();
    // S2: deposit 0.05, reserve 0.9, pool of 3 active transcoders -> 0.3 per transcoder per round
    assert.equal(await tb.claimableReserve(S2, O1), ETH(0.3));
    assert.equal(await tb.claimableReserve(S2, R9), 0n, 'not an active transcoder');
    const s2 = chain.keys[8];

    const t1 = await newTicket(chain, { recipient: O1, sender: S2, faceValue: ETH(0.2) });
    let before = await fees(O1);
    let receipt = await send(chain.as(tb, 0).redeemWinningTicket(t1.ticket, await signTicket(s2, t1.ticket), t1.recipientRand));
    assert.equal(await fees(O1), before + ETH(0.2));
    const [claim] = eventsOf(tb, receipt, 'ReserveClaimed');
    assert.equal(claim.log.topics[0], '0x5c2b394723f408a40a60335e24b71829642e35f350cebe2036a96a66e895ea98');
    assert.equal(claim.args.reserveHolder, S2);
    assert.equal(claim.args.claimant, O1);
    assert.equal(claim.args.amount, ETH(0.15));
    let [info, reserve] = await tb.getSenderInfo(S2);
    assert.equal(info.deposit, 0n);
    assert.equal(reserve.fundsRemaining, ETH(0.75));
    assert.equal(reserve.claimedInCurrentRound, ETH(0.15));
    assert.equal(await tb.claimedReserve(S2, O1), ETH(0.15));
    assert.equal(await tb.claimableReserve(S2, O1), ETH(0.15));
    assert.equal(await tb.claimableReserve(S2, O2), ETH(0.3));

    // a bigger ticket only gets the rest of O1's share this round
    const t2 = await newTicket(chain, { recipient: O1, sender: S2, faceValue: ETH(0.5), senderNonce: 2n });
    before = await fees(O1);
    receipt = await send(chain.as(tb, 0).redeemWinningTicket(t2.ticket, await signTicket(s2, t2.ticket), t2.recipientRand));
    assert.equal(await fees(O1), before + ETH(0.15));
    assert.equal(eventsOf(tb, receipt, 'WinningTicketTransfer')[0].args.amount, ETH(0.15));
    assert.equal(await tb.claimableReserve(S2, O1), 0n);

    // a recipient outside the active set gets nothing from the reserve (the ticket is still consumed)
    const t3 = await newTicket(chain, { recipient: R9, sender: S2, faceValue: ETH(0.1), senderNonce: 3n });
    before = await fees(R9);
    receipt = await send(chain.as(tb, 0).redeemWinningTicket(t3.ticket, await signTicket(s2, t3.ticket), t3.recipientRand));
    assert.equal(await fees(R9), before);
    assert.equal(eventsOf(tb, receipt, 'WinningTicketTransfer').length, 0);
    assert.equal(eventsOf(tb, receipt, 'WinningTicketRedeemed').length, 1);
    assert.equal(await tb.usedTickets(ticketHash(t3.ticket)), true);

    // next round: the allocation is recomputed from what is left (0.6 / 3)
    await chain.advanceRound();
    assert.equal(await tb.claimableReserve(S2, O1), ETH(0.2));
    assert.equal((await tb.getSenderInfo(S2))[1].claimedInCurrentRound, 0n);
  });

  it('batchRedeemWinningTickets redeems the good tickets and skips a bad one', async () => {
    await chain.advanceRound();
    const fv = ETH(0.02);
    const tickets = [];
    for (let n = 10n; n < 13n; n++) tickets.push(await newTicket(chain, { recipient: O2, sender: S, faceValue: fv, senderNonce: n }));
    const sigs = [];
    for (const t of tickets) sigs.push(await signTicket(sender(), t.ticket));
    sigs[1] = await signTicket(chain.keys[5], tickets[1].ticket); // bad signature

    const before = await fees(O2);
    const receipt = await send(
      chain.as(tb, 0).batchRedeemWinningTickets(
        tickets.map((t) => t.ticket),
        sigs,
        tickets.map((t) => t.recipientRand),
        { gasLimit: 3_000_000 }, // explicit: estimation could pick a limit at which the sub-calls fail silently
      ),
    );
    assert.equal(receipt.status, 1);
    assert.equal(await fees(O2), before + 2n * fv);
    const redeemed = eventsOf(tb, receipt, 'WinningTicketRedeemed');
    assert.deepEqual(redeemed.map((e) => e.args.senderNonce), [10n, 12n]);
    assert.equal(await tb.usedTickets(ticketHash(tickets[0].ticket)), true);
    assert.equal(await tb.usedTickets(ticketHash(tickets[1].ticket)), false);
    assert.equal(await tb.usedTickets(ticketHash(tickets[2].ticket)), true);
    await assert.rejects(
      chain.as(tb, 0).batchRedeemWinningTickets([tickets[0].ticket], [], [tickets[0].recipientRand]),
      /array lengths differ/,
    );
  });

  it('only the TicketBroker may credit fees in the BondingManager', async () => {
    await assert.rejects(chain.as(bm, 1).updateTranscoderWithFees(O1, 1n, 1n), /caller must be TicketBroker/);
  });

  it('unlock, cancelUnlock, re-funding cancels, withdraw after unlockPeriod rounds', async () => {
    await chain.advanceRound();
    let round = await rm.currentRound();
    let receipt = await send(chain.as(tb, 4).unlock());
    const [un] = eventsOf(tb, receipt, 'Unlock');
    assert.equal(un.log.topics[0], '0xf7870c5b224cbc19873599e46ccfc7103934650509b1af0c3ce90138377c2004');
    assert.equal(un.args.sender, S);
    assert.equal(un.args.startRound, round);
    assert.equal(un.args.endRound, round + 2n);
    assert.equal(await tb.isUnlockInProgress(S), true);
    assert.equal((await tb.getSenderInfo(S))[0].withdrawRound, round + 2n);
    await assert.rejects(chain.as(tb, 4).unlock(), /unlock already initiated/);
    await assert.rejects(chain.as(tb, 4).withdraw(), /account is locked/);

    receipt = await send(chain.as(tb, 4).cancelUnlock());
    assert.equal(eventsOf(tb, receipt, 'UnlockCancelled')[0].log.topics[0], '0xfa044b7b93a40365dc68049797c2eb06918523d694e5d56e406cac3eb35578e5');
    assert.equal(await tb.isUnlockInProgress(S), false);
    await assert.rejects(chain.as(tb, 4).cancelUnlock(), /no unlock request in progress/);
    await assert.rejects(chain.as(tb, 4).withdraw(), /no unlock request in progress/);

    await send(chain.as(tb, 4).unlock());
    receipt = await send(chain.as(tb, 4).fundDeposit({ value: ETH(0.1) }));
    assert.equal(eventsOf(tb, receipt, 'UnlockCancelled').length, 1, 'funding cancels the unlock');
    assert.equal(await tb.isUnlockInProgress(S), false);

    await send(chain.as(tb, 4).unlock());
    round = await rm.currentRound();
    // a ticket made while the unlock was pending...
    const { ticket, recipientRand } = await newTicket(chain, { recipient: O1, sender: S, faceValue: ETH(0.01), senderNonce: 99n });
    const sig = await signTicket(sender(), ticket);
    await chain.advanceRound();
    await chain.advanceRound();
    assert.equal(await rm.currentRound(), round + 2n);
    // ...is now expired (validity 2 rounds); a fresh one is refused because the sender is unlocked
    const fresh = await newTicket(chain, { recipient: O1, sender: S, faceValue: ETH(0.01), senderNonce: 100n });
    await assert.rejects(
      chain.as(tb, 1).redeemWinningTicket(fresh.ticket, await signTicket(sender(), fresh.ticket), fresh.recipientRand),
      /sender is unlocked/,
    );
    await assert.rejects(chain.as(tb, 1).redeemWinningTicket(ticket, sig, recipientRand), /ticket is expired/);

    const [info, reserve] = await tb.getSenderInfo(S);
    const before = await balance(S);
    receipt = await send(chain.as(tb, 4).withdraw());
    const [w] = eventsOf(tb, receipt, 'Withdrawal');
    assert.equal(w.log.topics[0], '0xdf273cb619d95419a9cd0ec88123a0538c85064229baa6363788f743fff90deb');
    assert.equal(w.args.deposit, info.deposit);
    assert.equal(w.args.reserve, reserve.fundsRemaining);
    assert.ok(info.deposit > 0n && reserve.fundsRemaining > 0n);
    assert.equal(await balance(S), before + info.deposit + reserve.fundsRemaining - receipt.fee);
    const [info2, reserve2] = await tb.getSenderInfo(S);
    assert.equal(info2.deposit, 0n);
    assert.equal(info2.withdrawRound, 0n);
    assert.equal(reserve2.fundsRemaining, 0n);
    await assert.rejects(chain.as(tb, 4).withdraw(), /sender deposit and reserve are zero/);
    await assert.rejects(chain.as(tb, 4).unlock(), /sender deposit and reserve are zero/);
  });
});
