import { describe, expect, it } from 'vitest';
import { naiveKernelSum } from '../src/baselines/naive-loops.js';
import { loadBaseline } from '../src/baselines/registry.js';
import { checkResult } from '../src/check/check.js';
import { referenceFor } from '../src/check/reference.js';
import { KERNEL_SUITES } from '../src/suites/kernels.js';
import type { KernelSumProblem } from '../src/suites/types.js';

const gaussian = KERNEL_SUITES.find((s) => s.id === 'gaussian')!;

describe('baselines', () => {
  it('reproduce the peers checksum: the Gaussian product at N = 1000 sums to 6152.435', () => {
    // shared/reference/peers.md, table a: every peer prints sum=6152.435 on these inputs, which
    // pins down the generator seeds, sigma = 0.1 and the exp(-r^2 / (2 sigma^2)) convention at once.
    const out = naiveKernelSum(gaussian.workload(1000).problem as KernelSumProblem);
    const sum = out.reduce((s, v) => s + v, 0);
    expect(sum).toBeCloseTo(6152.435, 2);
    expect(out[0]).toBeCloseTo(7.892648, 4);
  });

  it.each(['tfjs-cpu', 'tfjs-wasm'])('%s computes every kernel product within tolerance', async (name) => {
    const loaded = await loadBaseline(name);
    if (!loaded.ok) throw new Error(`${name} is unavailable: ${loaded.reason}`);
    const c = loaded.contender;
    // 2100 x 2100 = 4.4e6 entries: two row chunks of at most 2^22, the last one partial.
    for (const [suite, n] of KERNEL_SUITES.map((s) => [s, s.id === 'gaussian' ? 2100 : 200] as const)) {
      const w = suite.workload(n);
      const prepared = await c.prepare(w);
      try {
        const check = checkResult(w, referenceFor(w, 20 * n), await prepared.run());
        expect(check.passed, `${suite.id}: ${check.error}`).toBe(true);
      } finally {
        await prepared.dispose();
      }
    }
    expect(c.supports('knn')).toBe(false);
  });
});
