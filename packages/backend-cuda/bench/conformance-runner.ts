/**
 * The conformance suite without vitest, for a GPU machine that has neither vitest nor the repo's
 * node_modules (the bundle carried there, see scripts/bundle.mjs): runs every test of
 * `conformanceGroups()` against cuda(), float32 and float64, with the default schedule and with
 * the split scheme forced, and prints one line per test. Exits non-zero on any failure.
 */
import type { Backend, FloatDType } from '@symtensor/core-ir';
import { conformanceGroups, Rng, seedOf } from '@symtensor/core-ir/testing';
import { type CudaOptions, cuda } from '../src/index.js';

export async function runConformance(sizes: 'quick' | 'full'): Promise<number> {
  let failed = 0;
  let passed = 0;
  let skipped = 0;
  const variants: [string, CudaOptions][] = [
    ['default schedule', {}],
    ['split scheme', { splitMinChunk: 1 }],
  ];
  for (const [variant, options] of variants) {
    const make = () => cuda(options);
    const backend: Backend = await make();
    const groups = conformanceGroups(sizes);
    const runGroup = async (group: (typeof groups)[number], dtype: FloatDType, prefix: string) => {
      for (const test of group.tests) {
        const id = `${prefix}${group.name}/${test.name}`;
        let skip: string | undefined;
        const t = performance.now();
        try {
          await test.run({
            backend,
            dtype,
            rng: new Rng(seedOf(id)),
            makeBackend: make,
            skip: (reason) => {
              skip = reason;
            },
          });
          if (skip) skipped++;
          else passed++;
          console.log(
            `${skip ? 'skip' : 'pass'}  ${variant}  ${id}${skip ? ` (${skip})` : ''}  ${(performance.now() - t).toFixed(0)} ms`,
          );
        } catch (e) {
          failed++;
          console.log(
            `FAIL  ${variant}  ${id}\n      ${String((e as Error).message).replaceAll('\n', '\n      ')}`,
          );
        }
      }
    };
    for (const group of groups.filter((g) => g.once)) await runGroup(group, 'float32', '');
    for (const dtype of ['float32', 'float64'] as const)
      for (const group of groups.filter((g) => !g.once && (!g.dtypes || g.dtypes.includes(dtype))))
        await runGroup(group, dtype, `${dtype}/`);
    await backend.dispose();
  }
  console.log(`conformance: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed === 0 ? 0 : 1;
}
