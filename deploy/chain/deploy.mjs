// Deploys the devnet contracts to a fresh chain (anvil) and prints their addresses as JSON on stdout.
//
//   node deploy.mjs [--rpc URL] [--round-length N] [--pool-size N] [--unlock-period N]
//                   [--ticket-validity N] [--unbonding-period N] [--mint LPT]
//                   [--inflation N] [--inflation-change N] [--target-bonding-rate N]   (parts per 1e9)
//                   [--verifier ADDR]   (may call BondingManager.slashTranscoder; none by default)
//                   [--voting-delay ROUNDS] [--voting-period ROUNDS] [--proposal-threshold LPT]
//                   [--quorum N] [--quota N]   (parts per 1e6)
//   node deploy.mjs next-round --rounds-manager ADDR [--rpc URL]
//       mines blocks (anvil_mine, falling back to evm_mine) up to the next round's start and calls
//       initializeRound(); prints {round, blockHash}.
//
// Deployer: anvil's default dev account 0 (override with DEPLOYER_PRIVATE_KEY). Logs go to stderr.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ethers } from 'ethers';

const here = dirname(fileURLToPath(import.meta.url));

/** anvil's default mnemonic ("test test ... junk"); account i = m/44'/60'/0'/0/i. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
export const DEV_ACCOUNT0_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

export const DEFAULTS = {
  roundLength: 20, // blocks; anvil mines a block per transaction (automine), see next-round
  firstRound: 1,
  poolMaxSize: 100, // Arbitrum's numActiveTranscoders
  unlockPeriod: 2, // rounds, as on Arbitrum
  ticketValidityPeriod: 2, // rounds, as on Arbitrum
  unbondingPeriod: 2, // rounds (devnet choice)
  mintLpt: 1_000_000n, // LPT minted to every account the node reports (eth_accounts) and to the deployer
  // Minter, in parts per 1e9 (Livepeer's Arbitrum Minter precision). Livepeer's first inflation was 0.0137%
  // per round. The devnet's supply is 10,000,000 LPT (10 anvil accounts), so a round mints about 1,400 LPT
  // for the active set: with stakes of tens of LPT every reward() call visibly moves them. Bonding on the
  // devnet is far below the 50% target, so inflation rises by 0.0003% at every initialized round.
  inflation: 137_000n, // 0.0137% per round
  inflationChange: 3_000n, // 0.0003% per round
  targetBondingRate: 500_000_000n, // 50%
  // LivepeerGovernor, with the values of Livepeer's Arbitrum deployment
  votingDelay: 1, // rounds
  votingPeriod: 10, // rounds
  proposalThresholdLpt: 100n,
  quorum: 333_300, // 33.33% of the total active stake
  quota: 500_000, // 50% of for + against
};

export function artifact(name) {
  return JSON.parse(readFileSync(join(here, 'out', `${name}.json`), 'utf8'));
}

export function contractId(name) {
  return ethers.id(name); // keccak256(utf8(name))
}

export function devWallet(index, provider) {
  const w = ethers.HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
  return provider ? w.connect(provider) : w;
}

export function makeProvider(rpcUrl, chainId = undefined) {
  const network = chainId !== undefined ? ethers.Network.from(Number(chainId)) : undefined;
  const provider = new ethers.JsonRpcProvider(rpcUrl, network, {
    staticNetwork: network !== undefined,
    pollingInterval: 50,
    batchMaxCount: 1,
    cacheTimeout: -1, // no 250 ms sharing of identical reads: state changes with every block here
  });
  return provider;
}

const stderrLog = (...a) => process.stderr.write(`${a.join(' ')}\n`);

async function deployContract(signer, name, args = [], log = stderrLog) {
  const a = artifact(name);
  const factory = new ethers.ContractFactory(a.abi, a.bytecode, signer);
  const c = await factory.deploy(...args);
  await c.waitForDeployment();
  const addr = await c.getAddress();
  log(`deployed ${name} at ${addr}`);
  return c;
}

async function send(txPromise) {
  const tx = await txPromise;
  const receipt = await tx.wait();
  if (receipt.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
  return receipt;
}

/**
 * Deploys and wires everything. Returns {addresses, contracts, deployer, provider}.
 * `log` receives progress lines (default: stderr). `addresses` is what the CLI prints:
 * {controller, bondingManager, ticketBroker, roundsManager, serviceRegistry, token, minter, bondingVotes, governor, chainId}.
 */
export async function deployAll({ rpcUrl = 'http://127.0.0.1:8545', provider, signer, log = stderrLog, ...opts } = {}) {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
  provider ??= makeProvider(rpcUrl);
  const deployer =
    signer ?? new ethers.Wallet(process.env.DEPLOYER_PRIVATE_KEY ?? DEV_ACCOUNT0_KEY, provider);
  const deployerAddr = await deployer.getAddress();
  const { chainId } = await provider.getNetwork();

  const controller = await deployContract(deployer, 'Controller', [], log);
  const c = await controller.getAddress();
  const token = await deployContract(deployer, 'LivepeerToken', [], log);

  // LPT for the deployer and for every unlocked account the node offers (anvil: its 10 dev accounts).
  let accounts = [];
  try {
    accounts = await provider.send('eth_accounts', []);
  } catch {
    accounts = [];
  }
  const holders = [...new Set([deployerAddr, ...accounts].map((a) => ethers.getAddress(a)))];
  const amount = ethers.parseEther(String(o.mintLpt));
  for (const h of holders) await send(token.mint(h, amount));
  log(`minted ${o.mintLpt} LPT to ${holders.length} accounts`);

  const minter = await deployContract(deployer, 'Minter', [c, o.inflation, o.inflationChange, o.targetBondingRate], log);
  // The Minter mints inflation and burns slashed stake (Livepeer's token roles).
  await send(token.grantRole(await token.MINTER_ROLE(), await minter.getAddress()));
  await send(token.grantRole(await token.BURNER_ROLE(), await minter.getAddress()));
  const bondingManager = await deployContract(deployer, 'BondingManager', [c, o.poolMaxSize, o.unbondingPeriod], log);
  const ticketBroker = await deployContract(deployer, 'TicketBroker', [c, o.unlockPeriod, o.ticketValidityPeriod], log);
  const serviceRegistry = await deployContract(deployer, 'ServiceRegistry', [c], log);
  const bondingVotes = await deployContract(deployer, 'BondingVotes', [c], log);
  const governor = await deployContract(
    deployer,
    'LivepeerGovernor',
    [c, o.votingDelay, o.votingPeriod, ethers.parseEther(String(o.proposalThresholdLpt)), o.quorum, o.quota],
    log,
  );
  const registry = {
    LivepeerToken: token,
    Minter: minter,
    BondingManager: bondingManager,
    TicketBroker: ticketBroker,
    ServiceRegistry: serviceRegistry,
    BondingVotes: bondingVotes,
    // Registering the governor is what lets passed proposals call the parameter setters.
    LivepeerGovernor: governor,
  };
  for (const [name, contract] of Object.entries(registry)) {
    await send(controller.setContractInfo(contractId(name), await contract.getAddress()));
    log(`registered ${name} as ${contractId(name)}`);
  }
  // Last, so that round `firstRound` (which starts in this block) is still current when it is initialized.
  const roundsManager = await deployContract(deployer, 'RoundsManager', [c, o.roundLength, o.firstRound], log);
  await send(controller.setContractInfo(contractId('RoundsManager'), await roundsManager.getAddress()));
  log(`registered RoundsManager as ${contractId('RoundsManager')}`);

  // Round `firstRound` started with the RoundsManager deployment; initialize it now.
  if (!(await roundsManager.currentRoundInitialized())) await send(roundsManager.initializeRound());
  if (o.verifier) {
    await send(controller.setContractInfo(contractId('Verifier'), ethers.getAddress(o.verifier)));
    log(`registered ${o.verifier} as Verifier`);
  }
  const round = await roundsManager.currentRound();
  log(`round ${round} initialized (round length ${o.roundLength} blocks)`);

  const addresses = {
    controller: c,
    bondingManager: await bondingManager.getAddress(),
    ticketBroker: await ticketBroker.getAddress(),
    roundsManager: await roundsManager.getAddress(),
    serviceRegistry: await serviceRegistry.getAddress(),
    token: await token.getAddress(),
    minter: await minter.getAddress(),
    bondingVotes: await bondingVotes.getAddress(),
    governor: await governor.getAddress(),
    chainId: Number(chainId),
  };
  return {
    addresses,
    contracts: { controller, token, minter, roundsManager, bondingManager, ticketBroker, serviceRegistry, bondingVotes, governor },
    deployer,
    provider,
  };
}

/** Mines `n` empty blocks: anvil_mine when available, else n × evm_mine. */
export async function mineBlocks(provider, n) {
  if (n <= 0) return;
  try {
    await provider.send('anvil_mine', [ethers.toQuantity(n)]);
  } catch {
    for (let i = 0; i < n; i++) await provider.send('evm_mine', []);
  }
}

/**
 * Mines up to the first block of the next round and initializes it (signer pays the gas).
 * Afterwards `currentRound()` read at "latest" and in the next transaction agree. Returns the new round.
 */
export async function advanceRound(roundsManager, provider, signer) {
  const rm = signer ? roundsManager.connect(signer) : roundsManager;
  const start = await rm.currentRoundStartBlock();
  const length = await rm.roundLength();
  const latest = BigInt(await provider.getBlockNumber());
  const nextStart = start + length;
  // After mining, latest = nextStart: views and the initializeRound tx (block nextStart+1) see the new round.
  if (latest < nextStart) await mineBlocks(provider, Number(nextStart - latest));
  // An orchestrator's round initializer may get there first: the round only has to end up initialized.
  if (!(await rm.currentRoundInitialized())) {
    try {
      await send(rm.initializeRound());
    } catch (e) {
      if (!(await rm.currentRoundInitialized())) throw e;
    }
  }
  return await rm.currentRound();
}

function parseArgs(argv) {
  const args = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const key = a.slice(2).replace(/-([a-z])/g, (_, ch) => ch.toUpperCase());
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) args[key] = true;
      else {
        args[key] = next;
        i++;
      }
    } else args._.push(a);
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const rpcUrl = args.rpc ?? 'http://127.0.0.1:8545';
  const provider = makeProvider(rpcUrl);
  if (args._[0] === 'next-round') {
    if (!args.roundsManager) throw new Error('next-round needs --rounds-manager ADDR');
    const signer = new ethers.Wallet(process.env.DEPLOYER_PRIVATE_KEY ?? DEV_ACCOUNT0_KEY, provider);
    const rm = new ethers.Contract(args.roundsManager, artifact('RoundsManager').abi, signer);
    const round = await advanceRound(rm, provider, signer);
    const blockHash = await rm.blockHashForRound(round);
    process.stdout.write(`${JSON.stringify({ round: Number(round), blockHash })}\n`);
  } else if (args._.length === 0) {
    const num = (v) => (v === undefined ? undefined : Number(v));
    const { addresses } = await deployAll({
      provider,
      roundLength: num(args.roundLength),
      poolMaxSize: num(args.poolSize),
      unlockPeriod: num(args.unlockPeriod),
      ticketValidityPeriod: num(args.ticketValidity),
      unbondingPeriod: num(args.unbondingPeriod),
      mintLpt: args.mint === undefined ? undefined : BigInt(args.mint),
      inflation: args.inflation === undefined ? undefined : BigInt(args.inflation),
      inflationChange: args.inflationChange === undefined ? undefined : BigInt(args.inflationChange),
      targetBondingRate: args.targetBondingRate === undefined ? undefined : BigInt(args.targetBondingRate),
      verifier: args.verifier,
      votingDelay: num(args.votingDelay),
      votingPeriod: num(args.votingPeriod),
      proposalThresholdLpt: args.proposalThreshold === undefined ? undefined : BigInt(args.proposalThreshold),
      quorum: num(args.quorum),
      quota: num(args.quota),
    });
    process.stdout.write(`${JSON.stringify(addresses)}\n`);
  } else {
    throw new Error(`unknown command ${args._[0]}`);
  }
  provider.destroy();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    process.stderr.write(`${e.stack ?? e}\n`);
    process.exit(1);
  });
}
