import { describe, expect, it } from 'vitest';
import { naiveKernelSum } from '../src/baselines/naive-loops.js';
import { loadBaseline } from '../src/baselines/registry.js';
import { checkResult } from '../src/check/check.js';
import { referenceFor } from '../src/check/reference.js';
import { CLUSTERING_SUITES } from '../src/suites/clustering.js';
import { KERNEL_SUITES } from '../src/suites/kernels.js';
import { KNN_SUITES } from '../src/suites/knn.js';
import type { KernelSumProblem, Suite } from '../src/suites/types.js';

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

  it.each(['tfjs-cpu', 'tfjs-wasm', 'jax-js-wasm'])(
    '%s computes every kernel product within tolerance',
    async (name) => {
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
    },
  );

  /** One run of baseline `name` on `suite` at size n, checked; returns the check and the raw output. */
  async function runOnce(name: string, suite: Suite, n: number) {
    const loaded = await loadBaseline(name);
    if (!loaded.ok) throw new Error(`${name} is unavailable: ${loaded.reason}`);
    const c = loaded.contender;
    const w = suite.workload(n);
    const prepared = await c.prepare(w);
    try {
      const out = await prepared.run();
      return { w, out, check: checkResult(w, referenceFor(w, 1e6), out, { approximate: c.approximate }) };
    } finally {
      await prepared.dispose();
    }
  }

  it('ml-kmeans reaches the float64 Lloyd inertia from the same start; the starting centroids fail', async () => {
    for (const suite of CLUSTERING_SUITES.filter((s) => s.kind === 'kmeans')) {
      const { w, out, check } = await runOnce('ml-kmeans', suite, 400);
      expect(check.passed, `${suite.id}: ${check.note}`).toBe(true);
      expect(out).toHaveLength(100 * (suite.id === 'kmeans-d2' ? 2 : 10));
      // The starting centroids themselves are a valid-looking but wrong answer.
      if (w.problem.kind !== 'kmeans') throw new Error('k-means suite');
      expect(checkResult(w, referenceFor(w), w.problem.init).passed, suite.id).toBe(false);
    }
  });

  it('hnswlib-node answers kNN with a recall above the floor, reported in the check', async () => {
    for (const suite of KNN_SUITES) {
      const { check } = await runOnce('hnswlib-node', suite, 600);
      expect(check.passed, `${suite.id}: ${check.note}`).toBe(true);
      expect(check.metric).toBe('1 - recall@10');
      expect(check.note).toMatch(/^recall@10 (0\.9\d{3}|1\.0000); \d+\/600 rows identical/);
    }
  });
});
