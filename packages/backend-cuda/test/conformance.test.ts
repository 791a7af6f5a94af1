/**
 * The conformance suite on a real GPU, float32 and float64, twice: with the default schedule and
 * with the split scheme forced on every row that reduces over more than one tile. Registered only
 * where cuda() succeeds; elsewhere (CI has no GPU) one skipped test carries the reason, so the
 * suite never reports as passed without having run.
 */
import { BackendUnavailableError } from '@symtensor/core-ir';
import { registerConformanceSuite } from '@symtensor/core-ir/testing';
import { describe, it } from 'vitest';
import { cuda } from '../src/index.js';
import { ensureAddon } from './helpers/addon.js';

ensureAddon();
const probe = await cuda().then(
  async (backend) => {
    const name = `${backend.device.info.name}, ${backend.device.arch}, ${backend.jit.compiler.id}`;
    await backend.dispose();
    return { name };
  },
  (e: unknown) => {
    // Anything but "unavailable" is a bug to report, not a reason to skip.
    if (!(e instanceof BackendUnavailableError)) throw e;
    return { reason: e.reason };
  },
);

if ('name' in probe) {
  registerConformanceSuite(`cuda (${probe.name})`, () => cuda());
  registerConformanceSuite(`cuda (${probe.name}), split scheme`, () => cuda({ splitMinChunk: 1 }));
} else {
  describe('conformance: cuda', () => {
    it.skip(`needs a CUDA GPU: ${probe.reason}`, () => {});
  });
}
