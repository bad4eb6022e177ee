// The compiled ABIs expose exactly the selectors and event topics listed in the protocol reference (§4, §4.5),
// and out/ holds what the current sources compile to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ethers } from 'ethers';
import { artifact } from '../deploy.mjs';
import { compile, serialize } from '../build.mjs';

const iface = (name) => new ethers.Interface(artifact(name).abi);

const TICKET = '(address,address,uint256,uint256,uint256,bytes32,bytes)';

const SELECTORS = {
  Controller: {
    'getContract(bytes32)': '0xe16c7d98',
  },
  TicketBroker: {
    'fundDeposit()': '0x6caa736b',
    'fundReserve()': '0x6f9c3c8f',
    'fundDepositAndReserve(uint256,uint256)': '0x511f4073',
    'fundDepositAndReserveFor(address,uint256,uint256)': '0x989f789c',
    [`redeemWinningTicket(${TICKET},bytes,uint256)`]: '0xec8b3cb6',
    [`batchRedeemWinningTickets(${TICKET}[],bytes[],uint256[])`]: '0xd01b808e',
    'unlock()': '0xa69df4b5',
    'cancelUnlock()': '0xc2c4c2c8',
    'withdraw()': '0x3ccfd60b',
    'getSenderInfo(address)': '0xe1a589da',
    'claimedReserve(address,address)': '0x4ac826da',
    'claimableReserve(address,address)': '0x81779f38',
    'usedTickets(bytes32)': '0x59a515ba',
    [`getTicketHash(${TICKET})`]: '0xb03fa864',
    'unlockPeriod()': '0x20d3a0b4',
    'ticketValidityPeriod()': '0x856a2cf8',
  },
  BondingManager: {
    'getTranscoderPoolSize()': '0x2a4e0d55',
    'getTranscoderPoolMaxSize()': '0x5a2a75a9',
    'getFirstTranscoderInPool()': '0x88a6c749',
    'getNextTranscoderInPool(address)': '0x235c9603',
    'transcoderTotalStake(address)': '0x9ef9df94',
    'getTranscoder(address)': '0x5dce9948',
    'isActiveTranscoder(address)': '0x08802374',
    'getTranscoderEarningsPoolForRound(address,uint256)': '0x24454fc4',
  },
  ServiceRegistry: {
    'setServiceURI(string)': '0x5f11301b',
    'getServiceURI(address)': '0x214c2a4b',
  },
  RoundsManager: {
    'currentRound()': '0x8a19c8bc',
    'currentRoundStartBlock()': '0x8fa148f2',
    'currentRoundInitialized()': '0x219bc76c',
    'lastInitializedRound()': '0x8807f36e',
    'blockHashForRound(uint256)': '0x3aa4add4',
  },
};

// Functions the reference lists without a selector: they must exist with this signature.
const PRESENT = {
  TicketBroker: ['getReserveInfo(address)', 'isUnlockInProgress(address)'],
  BondingManager: [
    'transcoderStatus(address)',
    'bond(uint256,address)',
    'unbond(uint256)',
    'transcoder(uint256,uint256)',
    'updateTranscoderWithFees(address,uint256,uint256)',
  ],
  RoundsManager: ['roundLength()', 'initializeRound()'],
  Controller: ['setContractInfo(bytes32,address)'],
  LivepeerToken: [
    'name()', 'symbol()', 'decimals()', 'totalSupply()', 'balanceOf(address)', 'transfer(address,uint256)',
    'transferFrom(address,address,uint256)', 'approve(address,uint256)', 'allowance(address,address)', 'mint(address,uint256)',
  ],
};

const TOPICS = {
  TicketBroker: {
    'DepositFunded(address,uint256)': '0x5159e237d952190e68d5215430f305831be7c9c8776d1377c76679ae4773413f',
    'ReserveFunded(address,uint256)': '0xb52b99b9e83551fcbd069b559cc3e823e2a1a3bad8ece46561ea77524394c850',
    'ReserveClaimed(address,address,uint256)': '0x5c2b394723f408a40a60335e24b71829642e35f350cebe2036a96a66e895ea98',
    'WinningTicketRedeemed(address,address,uint256,uint256,uint256,uint256,bytes)':
      '0xc389eb51ed006dbf2528507f010efdf5225ea596e1e1741d74f550dab1925ee7',
    'WinningTicketTransfer(address,address,uint256)': '0x8b87351a208c06e3ceee59d80725fd77a23b4129e1b51ca231fc89b40712649c',
    'Unlock(address,uint256,uint256)': '0xf7870c5b224cbc19873599e46ccfc7103934650509b1af0c3ce90138377c2004',
    'UnlockCancelled(address)': '0xfa044b7b93a40365dc68049797c2eb06918523d694e5d56e406cac3eb35578e5',
    'Withdrawal(address,uint256,uint256)': '0xdf273cb619d95419a9cd0ec88123a0538c85064229baa6363788f743fff90deb',
  },
  BondingManager: {
    'TranscoderActivated(address,uint256)': '0x65d72d782835d64c3287844a829608d5abdc7e864cc9affe96d910ab3db665e9',
    'TranscoderDeactivated(address,uint256)': '0xfee3e693fc72d0a0a673805f3e606c551f4c677b9072444b90dd2d0406bc995c',
  },
  ServiceRegistry: {
    'ServiceURIUpdate(address,string)': '0xfbb63068732c85741c9f8e61caffaabe038d577bfafd2d2dcc0e352a4f653a4c',
  },
  RoundsManager: {
    'NewRound(uint256,bytes32)': '0x22f2fc17c5daf07db2379b3a03a8ef20a183f761097a58fce219c8a14619e786',
  },
};

// Indexed parameters per the reference (§4.1-§4.4).
const INDEXED = {
  TicketBroker: {
    DepositFunded: [true, false],
    ReserveFunded: [true, false],
    ReserveClaimed: [true, false, false],
    WinningTicketRedeemed: [true, true, false, false, false, false, false],
    WinningTicketTransfer: [true, true, false],
    Unlock: [true, false, false],
    UnlockCancelled: [true],
    Withdrawal: [true, false, false],
  },
  BondingManager: { TranscoderActivated: [true, false], TranscoderDeactivated: [true, false] },
  ServiceRegistry: { ServiceURIUpdate: [true, false] },
  RoundsManager: { NewRound: [true, false] },
};

test('sanity: ethers keccak reproduces the ERC-20 transfer selector', () => {
  assert.equal(ethers.id('transfer(address,uint256)').slice(0, 10), '0xa9059cbb');
  assert.equal(iface('LivepeerToken').getFunction('transfer').selector, '0xa9059cbb');
});

for (const [contract, fns] of Object.entries(SELECTORS)) {
  test(`${contract}: function selectors match the reference`, () => {
    const i = iface(contract);
    for (const [sig, selector] of Object.entries(fns)) {
      const fn = i.getFunction(sig);
      assert.ok(fn, `${contract} lacks ${sig}`);
      assert.equal(fn.format('sighash'), sig);
      assert.equal(fn.selector, selector, `${contract}.${sig}`);
      assert.equal(ethers.id(sig).slice(0, 10), selector, `keccak of ${sig}`);
    }
    for (const sig of PRESENT[contract] ?? []) assert.ok(i.getFunction(sig), `${contract} lacks ${sig}`);
  });
}

test('LivepeerToken and the remaining signatures listed without selectors exist', () => {
  const i = iface('LivepeerToken');
  for (const sig of PRESENT.LivepeerToken) assert.ok(i.getFunction(sig), `LivepeerToken lacks ${sig}`);
  for (const ev of ['Transfer(address,address,uint256)', 'Approval(address,address,uint256)']) assert.ok(i.getEvent(ev));
});

test('return shapes: getTranscoder has 10 uint256, earnings pool 5, getSenderInfo 2 tuples of 2', () => {
  const bm = iface('BondingManager');
  const gt = bm.getFunction('getTranscoder(address)');
  assert.equal(gt.outputs.length, 10);
  assert.deepEqual(
    gt.outputs.map((o) => o.name),
    [
      'lastRewardRound', 'rewardCut', 'feeShare', 'lastActiveStakeUpdateRound', 'activationRound', 'deactivationRound',
      'activeCumulativeRewards', 'cumulativeRewards', 'cumulativeFees', 'lastFeeRound',
    ],
  );
  assert.ok(gt.outputs.every((o) => o.type === 'uint256'));
  const ep = bm.getFunction('getTranscoderEarningsPoolForRound(address,uint256)');
  assert.deepEqual(ep.outputs.map((o) => o.type), Array(5).fill('uint256'));
  assert.equal(ep.outputs[0].name, 'totalStake');
  const si = iface('TicketBroker').getFunction('getSenderInfo(address)');
  assert.deepEqual(si.outputs.map((o) => o.format('full')), [
    '(uint256 deposit, uint256 withdrawRound) sender',
    '(uint256 fundsRemaining, uint256 claimedInCurrentRound) reserve',
  ]);
  const rs = iface('RoundsManager').getFunction('blockHashForRound(uint256)');
  assert.equal(rs.outputs[0].type, 'bytes32');
});

for (const [contract, events] of Object.entries(TOPICS)) {
  test(`${contract}: event topic0 values and indexed params match the reference`, () => {
    const i = iface(contract);
    for (const [sig, topic] of Object.entries(events)) {
      const ev = i.getEvent(sig);
      assert.ok(ev, `${contract} lacks event ${sig}`);
      assert.equal(ev.topicHash, topic, `${contract}.${sig}`);
      assert.equal(ethers.id(sig), topic);
      assert.deepEqual(ev.inputs.map((p) => p.indexed), INDEXED[contract][ev.name], `${sig} indexed flags`);
    }
  });
}

test('out/ artifacts are what the current sources compile to (run `node build.mjs` if this fails)', () => {
  const fresh = compile();
  for (const [name, a] of Object.entries(fresh)) {
    const onDisk = readFileSync(new URL(`../out/${name}.json`, import.meta.url), 'utf8');
    assert.equal(onDisk, serialize(a), `out/${name}.json is stale`);
  }
});

// Signatures, return types and events our contracts share with Livepeer's Arbitrum deployment ABIs
// (livepeer/protocol deployments/arbitrumMainnet/*Target.json and Minter.json, compared when this list was made):
// a client built for Livepeer's contracts reads ours through these.
const SHARED = JSON.parse(readFileSync(new URL('./livepeer-abi-shared.json', import.meta.url), 'utf8'));
for (const [contract, entries] of Object.entries(SHARED)) {
  test(`${contract}: functions and events shared with Livepeer's ABI keep Livepeer's shape`, () => {
    const i = iface(contract);
    for (const entry of entries) {
      if (entry.startsWith('event ')) {
        const full = entry.slice('event '.length);
        const ev = i.getEvent(full.replace(/ indexed/g, '').replace(/\(([^)]*)\)/, (_, p) => `(${p.split(', ').map((x) => x.split(' ')[0]).join(',')})`));
        assert.ok(ev, `${contract} lacks event ${full}`);
        assert.equal(ev.format('full'), `event ${full}`);
      } else {
        const [sig, outputs] = entry.split(' -> ');
        const fn = i.getFunction(sig);
        assert.ok(fn, `${contract} lacks ${sig}`);
        assert.equal(`(${fn.outputs.map((o) => o.type).join(',')})`, outputs, `${contract}.${sig} returns`);
      }
    }
  });
}
