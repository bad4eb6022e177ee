// getTicketHash reproduces go-livepeer's 232-byte ticket hash (pm/ticket_test.go vectors, reference §3.3).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ethers } from 'ethers';
import { TEST_TIMEOUT, setupChain, auxData, ticketHash } from './helpers.mjs';

const ZERO = ethers.ZeroAddress;
const ZERO32 = ethers.ZeroHash;
const V1 = {
  ticket: { recipient: ZERO, sender: ZERO, faceValue: 0n, winProb: 0n, senderNonce: 4294967295n, recipientRandHash: ZERO32, auxData: '0x' },
  hash: '0xe1393fc7f6de093780674022f96cb8e3872235167d037c04d554e58c0e63d280',
};
const V2 = {
  ticket: {
    recipient: ZERO, sender: ZERO, faceValue: 0n, winProb: 0n, senderNonce: 0n, recipientRandHash: ZERO32,
    auxData: auxData(10n, '0x41b1a0649752af1b28b3dc29a1556eee781e4a4c3a1f7f53f90fa834de098c4d'),
  },
  hash: '0xe502907c16036ab3d11b78c5a2e93c20f3d6415c67f91de4ed01348182b3b2e2',
};

describe('ticket hash', TEST_TIMEOUT, () => {
  let chain;
  before(async () => {
    chain = await setupChain();
  });
  after(async () => {
    await chain?.stop();
  });

  it('off-chain packing is 232 bytes with auxData and matches both go-livepeer vectors', () => {
    const packed = ethers.solidityPacked(
      ['address', 'address', 'uint256', 'uint256', 'uint256', 'bytes32', 'bytes'],
      Object.values(V2.ticket),
    );
    assert.equal(ethers.getBytes(packed).length, 232);
    assert.equal(ticketHash(V1.ticket), V1.hash);
    assert.equal(ticketHash(V2.ticket), V2.hash);
  });

  it('TicketBroker.getTicketHash: all-zero ticket, senderNonce 4294967295, no auxData', async () => {
    assert.equal(await chain.contracts.ticketBroker.getTicketHash(V1.ticket), V1.hash);
  });

  it('TicketBroker.getTicketHash: senderNonce 0, auxData = abi.encode(10, 0x41b1…8c4d)', async () => {
    assert.equal(await chain.contracts.ticketBroker.getTicketHash(V2.ticket), V2.hash);
  });

  it('TicketBroker.getTicketHash agrees with the off-chain hash on a populated ticket', async () => {
    const t = {
      recipient: chain.keys[1].address,
      sender: chain.keys[4].address,
      faceValue: 123456789n,
      winProb: ethers.MaxUint256 / 3n,
      senderNonce: 7n,
      recipientRandHash: ethers.keccak256('0x01'),
      auxData: auxData(5n, ethers.keccak256('0x02')),
    };
    assert.equal(await chain.contracts.ticketBroker.getTicketHash(t), ticketHash(t));
  });
});
