/**
 * `registerConformanceSuite`: registers the backend conformance tests with vitest. Every backend
 * runs the same catalogue, measured against the float64 reference interpreter (tolerances in
 * `tolerance.ts`); a backend passes when every test passes.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Backend } from '../backend.js';
import type { FloatDType } from '../dtype.js';
import { accumulatorGroup } from './cases/accumulator.js';
import { batchGroup } from './cases/batch.js';
import { bufferGroup } from './cases/buffers.js';
import type { TestGroup } from './cases/common.js';
import { dimGroup } from './cases/dims.js';
import { emptyGroup } from './cases/empty.js';
import { errorGroup } from './cases/errors.js';
import { mapGroup } from './cases/maps.js';
import { opGroup } from './cases/ops.js';
import { pipelineGroup } from './cases/pipeline.js';
import { rangesGroup } from './cases/ranges.js';
import { reductionGroup } from './cases/reductions.js';
import { type SizeMode, sizeGroup } from './cases/sizes.js';
import { specialValuesGroup } from './cases/special-values.js';
import { takeGroup } from './cases/take.js';
import { globalSeed, Rng, seedOf } from './random.js';

export interface ConformanceOptions {
  /** Dtypes to test in (default both); each must be listed by the backend. */
  dtypes?: readonly ('float32' | 'float64')[];
  /**
   * 'full' (default) runs every size of the catalogue, including a 1003 x 1000 reduction;
   * 'quick' keeps runs up to 10^4 pairs (still with 1000+ rows or reduced indices on each side),
   * for slow backends such as interpreters.
   */
  sizes?: SizeMode;
  /**
   * Tests to register as skipped: a string matches a test id containing it, a RegExp any id it
   * matches. Ids read `<dtype>/<group>/<test>` (`buffers/<test>` for the dtype-free group), e.g.
   * 'float64/sizes/1003 x 1000 kernel sum over j'.
   */
  skip?: readonly (string | RegExp)[];
}

/** The test catalogue, in registration order. */
export function conformanceGroups(sizes: SizeMode = 'full'): TestGroup[] {
  return [
    bufferGroup(),
    errorGroup(),
    opGroup(),
    reductionGroup(),
    dimGroup(),
    sizeGroup(sizes),
    emptyGroup(),
    specialValuesGroup(),
    rangesGroup(),
    batchGroup(),
    mapGroup(),
    accumulatorGroup(),
    pipelineGroup(),
    takeGroup(),
  ];
}

/**
 * Registers the conformance tests of a backend: `describe('conformance: <name>')`, one backend
 * made by `makeBackend` before the tests and disposed after them. Each test draws fresh inputs
 * from its own generator, seeded from its id (so failures reproduce; set SYMTENSOR_TEST_SEED to
 * draw other inputs).
 */
export function registerConformanceSuite(
  name: string,
  makeBackend: () => Backend | Promise<Backend>,
  options: ConformanceOptions = {},
): void {
  const dtypes: readonly FloatDType[] = options.dtypes ?? ['float32', 'float64'];
  const skipped = (id: string) =>
    (options.skip ?? []).some((p) => (typeof p === 'string' ? id.includes(p) : p.test(id)));

  describe(`conformance: ${name}`, () => {
    let backend: Backend | undefined;
    beforeAll(async () => {
      backend = await makeBackend();
    });
    afterAll(async () => {
      await backend?.dispose();
    });

    const register = (group: TestGroup, dtype: FloatDType, prefix: string) =>
      describe(group.name, () => {
        for (const test of group.tests) {
          const id = `${prefix}${group.name}/${test.name}`;
          if (skipped(id)) {
            it.skip(test.name, () => {});
            continue;
          }
          it(test.name, async (ctx) => {
            if (!backend) throw new Error(`the ${name} backend was not created`);
            if (!backend.dtypes.includes(dtype))
              throw new Error(
                `the ${name} backend does not list ${dtype}; pass dtypes to registerConformanceSuite`,
              );
            await test.run({
              backend,
              dtype,
              rng: new Rng(seedOf(id) ^ globalSeed()),
              makeBackend,
              skip: (reason) => ctx.skip(reason),
            });
          });
        }
      });

    const groups = conformanceGroups(options.sizes ?? 'full');
    for (const group of groups.filter((g) => g.once)) register(group, dtypes[0] ?? 'float32', '');
    for (const dtype of dtypes)
      describe(dtype, () => {
        for (const group of groups.filter((g) => !g.once && (!g.dtypes || g.dtypes.includes(dtype))))
          register(group, dtype, `${dtype}/`);
      });
  });
}
