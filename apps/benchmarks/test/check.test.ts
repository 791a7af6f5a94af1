import {
  type Backend,
  mul,
  Reduction,
  reductionSpec,
  referenceBackend,
  sqDist,
  variable,
} from '@symtensor/core-ir';
import { describe, expect, it } from 'vitest';
import { backendContender } from '../src/backends/contender.js';
import { naiveKernelSum, naiveKnn, naiveSoftmin } from '../src/baselines/naive-loops.js';
import { APPROXIMATE_KNN_MIN_RECALL, checkResult, TOLERANCES } from '../src/check/check.js';
import { referenceFor, sampleRows } from '../src/check/reference.js';
import { KERNEL_FUNCTIONS } from '../src/suites/kernel-functions.js';
import { KERNEL_SUITES } from '../src/suites/kernels.js';
import { KNN_SUITES } from '../src/suites/knn.js';
import { SOFTMIN_SUITE } from '../src/suites/softmin.js';
import type { KnnProblem } from '../src/suites/types.js';
import { measure, repeatsWithinBudget } from '../src/timing/measure.js';

const gaussian = KERNEL_SUITES.find((s) => s.id === 'gaussian')!;

describe('row sampling for the reference check', () => {
  it('checks every row when the pair budget allows', () => {
    expect(sampleRows(50, 100, 1e6)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('spreads at least 20 rows over [0, N) including the first and the last', () => {
    const rows = sampleRows(100_000, 100_000, 2e5);
    expect(rows).toHaveLength(20);
    expect(rows[0]).toBe(0);
    expect(rows.at(-1)).toBe(99_999);
    expect([...rows].sort((a, b) => a - b)).toEqual(rows);
  });
});

describe('correctness check against the float64 reference', () => {
  it('passes correct results of every suite (the naive loops)', () => {
    for (const suite of KERNEL_SUITES) {
      const w = suite.workload(64);
      if (w.problem.kind !== 'kernel-sum') throw new Error('kernel suite');
      const c = checkResult(w, referenceFor(w), naiveKernelSum(w.problem));
      expect(c.passed, suite.id).toBe(true);
      expect(c.rows).toBe(64);
    }
    const s = SOFTMIN_SUITE.workload(64);
    if (s.problem.kind !== 'softmin') throw new Error('softmin suite');
    expect(checkResult(s, referenceFor(s), naiveSoftmin(s.problem)).passed).toBe(true);
    for (const suite of KNN_SUITES) {
      const w = suite.workload(64);
      const c = checkResult(w, referenceFor(w), naiveKnn(w.problem as KnnProblem));
      expect(c.passed, suite.id).toBe(true);
      expect(c.note).toBe('64/64 rows identical to the reference');
    }
  });

  it('flags a slightly wrong value, NaN and a wrong output length', () => {
    const w = gaussian.workload(64);
    const ref = referenceFor(w);
    const good = Float32Array.from(ref.values);
    expect(checkResult(w, ref, good).passed).toBe(true);
    const off = good.slice();
    off[63] = off[63]! * (1 + 10 * TOLERANCES['kernel-sum']);
    const c = checkResult(w, ref, off);
    expect(c.passed).toBe(false);
    expect(c.error).toBeCloseTo(10 * TOLERANCES['kernel-sum'], 6);
    const nan = good.slice();
    nan[5] = Number.NaN;
    expect(checkResult(w, ref, nan).passed).toBe(false);
    const short = checkResult(w, ref, good.subarray(0, 63));
    expect(short.passed).toBe(false);
    expect(short.note).toBe('output has 63 elements, expected 64');
  });

  it('flags invalid or repeated kNN indices, and wrong neighbours', () => {
    const w = KNN_SUITES[0]!.workload(64);
    const p = w.problem as KnnProblem;
    const ref = referenceFor(w);
    const good = naiveKnn(p);
    const repeated = good.slice();
    repeated[1] = repeated[0]!;
    expect(checkResult(w, ref, repeated)).toMatchObject({
      passed: false,
      note: `row 0 has an invalid or repeated index ${repeated[0]}`,
    });
    const outOfRange = good.slice();
    outOfRange[3] = 64;
    expect(checkResult(w, ref, outOfRange).passed).toBe(false);
    // The 10th neighbour replaced by the farthest point: valid indices, wrong answer.
    const far = good.slice();
    far[9] = farthest(p, 0);
    expect(checkResult(w, ref, far).passed).toBe(false);
  });
});

describe('recall check of approximate kNN contenders', () => {
  it('gives exact answers recall 1 and fails answers below the recall floor', () => {
    const w = KNN_SUITES[0]!.workload(64);
    const p = w.problem as KnnProblem;
    const ref = referenceFor(w);
    const exact = naiveKnn(p);
    expect(checkResult(w, ref, exact, { approximate: true })).toMatchObject({
      passed: true,
      error: 0,
      tolerance: 1 - APPROXIMATE_KNN_MIN_RECALL,
      metric: '1 - recall@10',
      note: 'recall@10 1.0000; 64/64 rows identical to the reference',
    });
    // Two of the ten neighbours of every row replaced by points outside the true ten: recall 0.8.
    const worse = exact.slice();
    for (let i = 0; i < 64; i++) {
      const outside = [...Array(64).keys()].filter((j) => !exact.subarray(i * 10, i * 10 + 10).includes(j));
      worse[i * 10 + 8] = outside[0]!;
      worse[i * 10 + 9] = outside[1]!;
    }
    const c = checkResult(w, ref, worse, { approximate: true });
    expect(c.passed).toBe(false);
    expect(c.error).toBeCloseTo(0.2, 12);
    expect(c.note).toMatch(/^recall@10 0\.8000; /);
  });
});

function farthest(p: KnnProblem, i: number): number {
  let best = -1;
  let arg = 0;
  for (let j = 0; j < p.M; j++) {
    let s = 0;
    for (let d = 0; d < p.D; d++) s += (p.x[i * p.D + d]! - p.y[j * p.D + d]!) ** 2;
    if (s > best) [best, arg] = [s, j];
  }
  return arg;
}

/** A backend that runs a Gaussian of bandwidth 0.11 instead of 0.1: a deliberately wrong kernel. */
function wrongKernelBackend(): Backend {
  const inner = referenceBackend();
  const gauss = KERNEL_FUNCTIONS.find((k) => k.name === 'gaussian')!;
  const wrong = reductionSpec({
    formula: mul(gauss.formula(sqDist(variable(0, 3, 'i'), variable(1, 3, 'j')), 0.11), variable(2, 1, 'j')),
    reduction: Reduction.Sum,
    axis: 'j',
    dtype: 'float32',
  });
  return { ...inner, name: 'wrong-kernel', run: (_spec, options) => inner.run(wrong, options) };
}

describe('timing protocol', () => {
  it('reports a deliberately wrong kernel as FAILED, with no time', async () => {
    const w = gaussian.workload(128);
    const ref = referenceFor(w);
    const prepared = await backendContender(wrongKernelBackend(), 'wrong bandwidth').prepare(w);
    const outcome = await measure(
      () => prepared.run(),
      (out) => checkResult(w, ref, out),
      { repeats: 3, budgetS: 10 },
    );
    expect(outcome.status).toBe('failed');
    expect(outcome).not.toHaveProperty('stats');
    expect(outcome.check.passed).toBe(false);
    expect(outcome.check.error).toBeGreaterThan(0.01);
  });

  it('times the right kernel on the same path', async () => {
    const w = gaussian.workload(128);
    const ref = referenceFor(w);
    const prepared = await backendContender(referenceBackend(), 'reference').prepare(w);
    const outcome = await measure(
      () => prepared.run(),
      (out) => checkResult(w, ref, out),
      { repeats: 3, budgetS: 10 },
    );
    expect(outcome.status).toBe('ok');
    if (outcome.status === 'ok') expect(outcome.stats.n).toBe(3);
  });

  it('runs a warm-up then the repeats, and checks every result', async () => {
    let runs = 0;
    let checks = 0;
    const run = async () => {
      runs++;
      return new Float32Array(1);
    };
    const verify = () => {
      checks++;
      return { passed: true, error: 0, tolerance: 1, metric: 'test', rows: 1 };
    };
    const o = await measure(run, verify, { repeats: 4, budgetS: 100 });
    expect([runs, checks]).toEqual([5, 5]);
    expect(o.status === 'ok' && o.stats.n).toBe(4);
  });

  it('fails the whole measurement when a later repeat is wrong', async () => {
    let runs = 0;
    const run = async () => Float32Array.of(++runs);
    const verify = (out: ArrayLike<number>) => ({
      passed: out[0] !== 3,
      error: out[0]!,
      tolerance: 2.5,
      metric: 'test',
      rows: 1,
    });
    const o = await measure(run, verify, { repeats: 5, budgetS: 100 });
    expect(o.status).toBe('failed');
    expect(runs).toBe(3);
  });

  it('caps the repeats to the time budget, keeping at least one', () => {
    expect(repeatsWithinBudget(0.001, { repeats: 5, budgetS: 10 })).toBe(5);
    expect(repeatsWithinBudget(2, { repeats: 5, budgetS: 5 })).toBe(2);
    expect(repeatsWithinBudget(60, { repeats: 5, budgetS: 5 })).toBe(1);
  });
});
