// Shared test plumbing: start anvil on a free loopback port, deploy, build and sign tickets.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ethers } from 'ethers';
import { deployAll, devWallet, makeProvider, advanceRound } from '../deploy.mjs';

const require = createRequire(import.meta.url);

/** The anvil binary shipped by the npm package @foundry-rs/anvil-linux-amd64 (also node_modules/.bin/anvil). */
export const ANVIL_BIN =
  process.env.ANVIL_BIN ?? join(dirname(require.resolve('@foundry-rs/anvil-linux-amd64/package.json')), 'bin', 'anvil');

export const MAX_UINT256 = ethers.MaxUint256;

async function freePort() {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts anvil (chain id 31337, --silent) and waits until it answers. Returns {url, port, stop()}. */
export async function startAnvil() {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      ANVIL_BIN,
      ['--host', '127.0.0.1', '--port', String(port), '--chain-id', '31337', '--silent'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    let exited = false;
    child.on('exit', () => (exited = true));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15_000;
    while (!exited && Date.now() < deadline) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
        });
        const body = await res.json();
        if (body.result === '0x7a69') {
          const stop = async () => {
            if (exited) return;
            const done = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
            await done;
            clearTimeout(timer);
          };
          return { url, port, pid: child.pid, stop };
        }
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    if (attempt === 2) throw new Error(`anvil did not start on port ${port}: ${stderr}`);
  }
  throw new Error('unreachable');
}

export const TEST_TIMEOUT = { timeout: 120_000 };

/** Fresh anvil + full deployment. Wallets: 0 deployer, 1..3 orchestrators, 4 broadcaster (sender), 5 delegator. */
export async function setupChain(deployOptions = {}) {
  const anvil = await startAnvil();
  const provider = makeProvider(anvil.url, 31337);
  // Plain wallets (no NonceManager): a NonceManager burns a nonce when a send is refused by gas estimation,
  // which the revert tests do on purpose, and the next transaction would then never be mined.
  const wallets = Array.from({ length: 10 }, (_, i) => devWallet(i, provider));
  const keys = Array.from({ length: 10 }, (_, i) => devWallet(i)); // raw HD wallets (for signing)
  const { addresses, contracts } = await deployAll({ provider, signer: wallets[0], log: () => {}, ...deployOptions });
  const chain = {
    anvil,
    provider,
    wallets,
    keys,
    addresses,
    contracts,
    as: (contract, i) => contract.connect(wallets[i]),
    async advanceRound() {
      return await advanceRound(contracts.roundsManager, provider, wallets[0]);
    },
    async stop() {
      provider.destroy();
      await anvil.stop();
    },
  };
  return chain;
}

export async function send(txPromise) {
  const tx = await txPromise;
  const receipt = await tx.wait();
  return receipt;
}

/** Events of `contract` in a receipt, parsed. */
export function eventsOf(contract, receipt, name) {
  const out = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== contract.target.toLowerCase()) continue;
    try {
      const parsed = contract.interface.parseLog(log);
      if (parsed && parsed.name === name) out.push(Object.assign(parsed, { log }));
    } catch {
      // not this contract's event
    }
  }
  return out;
}

/** abi.encode(uint256 creationRound, bytes32 creationRoundBlockHash) */
export function auxData(round, blockHash) {
  return ethers.AbiCoder.defaultAbiCoder().encode(['uint256', 'bytes32'], [round, blockHash]);
}

/** go-livepeer's ticket hash: keccak256 of the packed 232-byte buffer (computed off-chain). */
export function ticketHash(t) {
  return ethers.solidityPackedKeccak256(
    ['address', 'address', 'uint256', 'uint256', 'uint256', 'bytes32', 'bytes'],
    [t.recipient, t.sender, t.faceValue, t.winProb, t.senderNonce, t.recipientRandHash, t.auxData],
  );
}

/** EIP-191 personal-sign of the 32-byte ticket hash (ethers signMessage on the raw bytes). */
export async function signTicket(wallet, t) {
  return await wallet.signMessage(ethers.getBytes(ticketHash(t)));
}

export function randHashOf(recipientRand) {
  return ethers.solidityPackedKeccak256(['uint256'], [recipientRand]);
}

/** A ticket for the current round of `chain`, with a fresh recipientRand. Returns {ticket, recipientRand}. */
export async function newTicket(chain, { recipient, sender, faceValue, winProb = MAX_UINT256, senderNonce = 1n, round }) {
  const rm = chain.contracts.roundsManager;
  const creationRound = round ?? (await rm.currentRound());
  const blockHash = await rm.blockHashForRound(creationRound);
  const recipientRand = ethers.toBigInt(ethers.randomBytes(32));
  const ticket = {
    recipient,
    sender,
    faceValue,
    winProb,
    senderNonce,
    recipientRandHash: randHashOf(recipientRand),
    auxData: auxData(creationRound, blockHash),
  };
  return { ticket, recipientRand };
}
