#!/usr/bin/env node
/**
 * Builds the native addon (build/Release/symtensor_cuda.node) with node-gyp.
 *
 *   node scripts/build-addon.mjs            the package's `install` script: a failed build warns and
 *                                           exits 0, so installing never fails for lack of a C++
 *                                           toolchain (cuda() then reports that the addon is missing)
 *   node scripts/build-addon.mjs --strict   fails on a failed build (`pnpm build:addon`, CI, tests)
 *   --if-stale                              builds only when a source is newer than the addon
 *
 * Offline machines: node-gyp downloads Node's headers unless told where they are. When no nodedir
 * is configured and the running Node's prefix has them (`<prefix>/include/node`, as both Debian's
 * nodejs package and the official tarballs install), that prefix is passed as --nodedir.
 * Concurrent builds (parallel test files, an install racing a test) take turns through a lock
 * folder, so none reads a half-written addon.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(root, 'build', 'Release', 'symtensor_cuda.node');
const strict = process.argv.includes('--strict');
const ifStale = process.argv.includes('--if-stale');

function stale() {
  if (!existsSync(addon)) return true;
  const built = statSync(addon).mtimeMs;
  const sources = [
    join(root, 'binding.gyp'),
    ...readdirSync(join(root, 'native')).map((f) => join(root, 'native', f)),
  ];
  return sources.some((f) => statSync(f).mtimeMs > built);
}

function nodeGyp() {
  // Set by npm and pnpm for lifecycle scripts: the node-gyp they bundle.
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  return createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
}

async function withLock(fn) {
  // Outside build/, which `node-gyp rebuild` deletes first.
  const lock = join(root, '.build-addon.lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      // A lock older than any build is left over from a killed process.
      if (Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function build() {
  if (ifStale && !stale()) return 0;
  const args = [nodeGyp(), 'rebuild'];
  const env = { ...process.env };
  const prefix = dirname(dirname(process.execPath));
  if (!env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
    // An empty npm_config_nodedir would override the flag inside node-gyp.
    delete env.npm_config_nodedir;
    args.push(`--nodedir=${prefix}`);
  }
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    env,
    stdio: strict ? 'inherit' : 'pipe',
    encoding: 'utf8',
  });
  if (r.status === 0) return 0;
  if (strict) return r.status ?? 1;
  process.stderr.write(
    `${r.stdout ?? ''}${r.stderr ?? ''}\n@symtensor/backend-cuda: the native addon did not build (above); the cuda backend is unavailable until 'pnpm --filter @symtensor/backend-cuda build:addon' succeeds.\n`,
  );
  return 0;
}

process.exitCode = await withLock(build);
