/**
 * Every case against the float64 reference, in float32 and float64, on the calling thread, one
 * worker and two workers (small tiles force many tile merges; inlineWork 0 forces the pool).
 */
import { afterAll, describe, it } from 'vitest';
import { type CpuOptions, cpu } from '../src/index.js';
import { CASES } from './cases.js';
import { expectMatchesReference, freshSeed, rng, TOL } from './helpers.js';

const CONFIGS: { name: string; options: CpuOptions }[] = [
  { name: 'calling thread', options: { threads: 0, inlineWork: 5000, tile: 64 } },
  { name: '1 worker', options: { threads: 1, inlineWork: 0 } },
  { name: '2 workers', options: { threads: 2, inlineWork: 0, tile: 100 } },
];

for (const config of CONFIGS) {
  describe(`cpu backend, ${config.name}`, () => {
    const backend = cpu(config.options);
    afterAll(() => backend.dispose());
    for (const dtype of ['float32', 'float64'] as const) {
      for (const c of CASES) {
        it(`${c.name} (${dtype})`, async () => {
          const seed = freshSeed();
          await expectMatchesReference(backend, c.make(dtype, rng(seed)), TOL[dtype], seed);
        });
      }
    }
  });
}
