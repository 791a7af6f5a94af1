/**
 * The backend conformance suite on the WebAssembly SIMD engine, float32 and float64, 1 and 2
 * workers and the calling thread. Kernels the generator cannot express (README) run as JavaScript
 * inside the same backend, so the suite covers the mix a user gets with `engine: 'wasm'`.
 */
import { registerConformanceSuite } from '@symtensor/core-ir/testing';
import { cpu } from '../src/index.js';

registerConformanceSuite('cpu wasm, calling thread', () => cpu({ engine: 'wasm', threads: 0 }));
registerConformanceSuite('cpu wasm, 1 worker', () => cpu({ engine: 'wasm', threads: 1, inlineWork: 0 }));
registerConformanceSuite('cpu wasm, 2 workers', () =>
  cpu({ engine: 'wasm', threads: 2, inlineWork: 0, tile: 256 }),
);
