/**
 * `conformanceSpecs()`: every kernel spec the conformance suite runs, collected by running the
 * catalogue on the reference backend behind a recorder. A backend that compiles ahead of running
 * (CUDA, where a machine may have the compiler but no device) uses it to check that each of its
 * kernels compiles even when it cannot run them.
 */
import type { Backend, DeviceBuffer, RunOptions } from '../backend.js';
import type { FloatDType } from '../dtype.js';
import { referenceBackend } from '../interpret/reference-backend.js';
import type { KernelSpec } from '../kernel/spec.js';
import type { SizeMode } from './cases/sizes.js';
import { globalSeed, Rng, seedOf } from './random.js';
import { conformanceGroups } from './suite.js';

export interface ConformanceSpecsOptions {
  /** Dtypes to collect for (default both). */
  dtypes?: readonly ('float32' | 'float64')[];
  /**
   * Size mode of the catalogue (default 'full'). The modes differ in run sizes only, not in
   * kernels, so 'quick' collects the same specs in a fraction of the reference's time.
   */
  sizes?: SizeMode;
}

/**
 * The distinct specs (by key) that the suite's runs accept, in first-run order. Runs the suite
 * refuses on purpose (bad-input tests) record nothing: a backend validates before it compiles.
 */
export async function conformanceSpecs(options: ConformanceSpecsOptions = {}): Promise<KernelSpec[]> {
  const specs = new Map<string, KernelSpec>();
  const makeBackend = (): Backend => {
    const inner = referenceBackend();
    return {
      ...inner,
      run(spec: KernelSpec, run: RunOptions): DeviceBuffer[] {
        const outs = inner.run(spec, run);
        if (!specs.has(spec.key)) specs.set(spec.key, spec);
        return outs;
      },
    };
  };
  const dtypes: readonly FloatDType[] = options.dtypes ?? ['float32', 'float64'];
  const groups = conformanceGroups(options.sizes ?? 'full');
  const backend = makeBackend();
  // The same groups, dtypes and seeds as registerConformanceSuite.
  const runGroup = async (group: (typeof groups)[number], dtype: FloatDType, prefix: string) => {
    for (const test of group.tests) {
      const id = `${prefix}${group.name}/${test.name}`;
      await test.run({
        backend,
        dtype,
        rng: new Rng(seedOf(id) ^ globalSeed()),
        makeBackend,
        skip: () => {},
      });
    }
  };
  for (const group of groups.filter((g) => g.once)) await runGroup(group, dtypes[0] ?? 'float32', '');
  for (const dtype of dtypes)
    for (const group of groups.filter((g) => !g.once && (!g.dtypes || g.dtypes.includes(dtype))))
      await runGroup(group, dtype, `${dtype}/`);
  await backend.dispose();
  return [...specs.values()];
}
