// Compiles contracts/*.sol with solcjs (the npm `solc` package, JS API) into out/<Name>.json = {contractName, abi, bytecode}.
// Usage: node build.mjs [--check]   (--check: compile and fail if out/ differs from the result, write nothing)
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import solc from 'solc';

const here = dirname(fileURLToPath(import.meta.url));
const contractsDir = join(here, 'contracts');
const outDir = join(here, 'out');

// Settings are part of the build: changing them changes every artifact.
// evmVersion "paris" (no PUSH0) keeps the bytecode runnable on anvil, ganache and older devnets alike.
export const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'paris',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

export function compile() {
  const sources = {};
  for (const f of readdirSync(contractsDir).filter((f) => f.endsWith('.sol')).sort()) {
    sources[`contracts/${f}`] = { content: readFileSync(join(contractsDir, f), 'utf8') };
  }
  const input = { language: 'Solidity', sources, settings: SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  for (const e of output.errors ?? []) process.stderr.write(`${e.formattedMessage ?? e.message}\n`);
  if (errors.length > 0) throw new Error(`solc: ${errors.length} error(s)`);

  const artifacts = {};
  for (const [file, contracts] of Object.entries(output.contracts)) {
    for (const [name, c] of Object.entries(contracts)) {
      const bytecode = c.evm?.bytecode?.object ?? '';
      if (bytecode.length === 0) continue; // interfaces and abstract contracts
      if (artifacts[name]) throw new Error(`duplicate contract name ${name} (${file})`);
      artifacts[name] = { contractName: name, compiler: `solc ${solc.version()}`, abi: c.abi, bytecode: `0x${bytecode}` };
    }
  }
  return artifacts;
}

export function serialize(artifact) {
  return `${JSON.stringify(artifact, null, 2)}\n`;
}

function main() {
  const check = process.argv.includes('--check');
  const started = Date.now();
  const artifacts = compile();
  let stale = [];
  if (!check) mkdirSync(outDir, { recursive: true });
  for (const [name, artifact] of Object.entries(artifacts)) {
    const path = join(outDir, `${name}.json`);
    const text = serialize(artifact);
    if (check) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(name);
    } else {
      writeFileSync(path, text);
    }
  }
  if (check && stale.length > 0) {
    process.stderr.write(`out/ is stale for: ${stale.join(', ')} (run: node build.mjs)\n`);
    process.exit(1);
  }
  process.stderr.write(
    `${check ? 'checked' : 'wrote'} ${Object.keys(artifacts).length} artifacts (${Object.keys(artifacts).join(', ')}) ` +
      `with solc ${solc.version()} in ${Date.now() - started} ms\n`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
