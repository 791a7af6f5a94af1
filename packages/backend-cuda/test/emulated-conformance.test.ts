/**
 * The conformance suite on the emulated device (test/helpers/emulator.ts): the production backend,
 * addon and generated kernels, with a fake driver that runs the kernels on CPU threads. Twice:
 * with the default schedule, and with the split scheme forced wherever a row reduces over more
 * than one tile (so that the partial-state path and the merge kernel run too).
 */
import { registerConformanceSuite } from '@symtensor/core-ir/testing';
import { emulatedBackend } from './helpers/emulator.js';

registerConformanceSuite('cuda (emulated device)', () => emulatedBackend(), { sizes: 'quick' });
registerConformanceSuite(
  'cuda (emulated device, split scheme)',
  () => emulatedBackend({ splitMinChunk: 1 }),
  {
    sizes: 'quick',
    dtypes: ['float64'],
  },
);
