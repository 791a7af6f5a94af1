/**
 * The native addon, built first if missing or older than its sources (by the package's own build
 * script, which serializes concurrent builds), so that tests always run against the current C++.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadAddon, type NativeAddon } from '../../src/native/addon.js';

const script = fileURLToPath(new URL('../../scripts/build-addon.mjs', import.meta.url));

/** Builds (if stale) and loads the addon; throws with the build's output if it fails. */
export function ensureAddon(): NativeAddon {
  const r = spawnSync(process.execPath, [script, '--strict', '--if-stale'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the addon did not build:\n${r.stdout}\n${r.stderr}`);
  const loaded = loadAddon();
  if ('reason' in loaded) throw new Error(loaded.reason);
  return loaded.addon;
}
