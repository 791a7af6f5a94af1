/**
 * Limits in float64: blur -> 0 gives the exact assignment cost (SciPy fixtures), blur -> infinity
 * half the squared kernel norm with k = -C (the energy distance for p = 1); Hausdorff tends to the
 * symmetric chamfer distance and to the same kernel norm.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { samplesLoss } from '../src/index.js';
import { denseCost, f64, halfKernelNorm, uniform, value, weights } from './helpers.js';

interface AssignmentCase {
  p: 1 | 2;
  x: number[][];
  y: number[][];
  value: number;
}
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/assignment.json', import.meta.url), 'utf8')) as {
  cases: AssignmentCase[];
};

describe('blur -> 0: exact assignment (scipy linear_sum_assignment)', () => {
  it.each(fixtures.cases.map((c) => [c.p, c.x.length, c] as const))('p=%i N=%i', async (p, n, c) => {
    const D = c.x[0]!.length;
    const x = f64(c.x.flat(), [n, D]);
    const y = f64(c.y.flat(), [n, D]);
    // eps = 1e-6 (p = 2) or 1e-3 (p = 1): OT_eps and S_eps are within ~eps log N of the assignment.
    const S = await value(samplesLoss({ p, blur: 1e-3, scaling: 0.8 })(x, y));
    expect(Math.abs(S - c.value)).toBeLessThanOrEqual(p === 2 ? 1e-5 : 5e-3);
    // Far from the trivial value 0, so the check has teeth.
    expect(c.value).toBeGreaterThan(0.02);
  });
});

const [N, M, D] = [7, 5, 3];
const x = uniform(21, N * D);
const y = uniform(22, M * D, 0.5, 1.5);
const a = weights(23, N);
const b = weights(24, M);
const args = () => [f64(a, [N]), f64(x, [N, D]), f64(b, [M]), f64(y, [M, D])] as const;

describe('blur -> infinity: 1/2 |a - b|^2 with the kernel -C', () => {
  it.each([1, 2] as const)('p=%i, sinkhorn and hausdorff', async (p) => {
    const want = halfKernelNorm(a, x, b, y, (u, v) => denseCost(u, v, D, p).map((c) => -c));
    // S_eps - want = O(Var(C) / eps), with rounding ~ eps * 1e-16: eps = 1e6 (p = 1) or 1e8 (p = 2).
    for (const loss of ['sinkhorn', 'hausdorff'] as const) {
      const got = await value(samplesLoss({ loss, p, blur: p === 1 ? 1e6 : 1e4 })(...args()));
      expect(Math.abs(got - want), `${loss}`).toBeLessThanOrEqual(1e-6 * Math.abs(want));
    }
    // p = 1 is the energy distance, GeomLoss's 'energy' loss.
    if (p === 1) expect(await value(samplesLoss({ loss: 'energy' })(...args()))).toBeCloseTo(want, 12);
  });
});

it('hausdorff, blur -> 0: 1/2 (<a, d(., y)> + <b, d(., x)>) (p = 1)', async () => {
  const Cxy = denseCost(x, y, D, 1);
  let want = 0;
  for (let i = 0; i < N; i++) want += 0.5 * a[i]! * Math.min(...Cxy.slice(i * M, (i + 1) * M));
  for (let j = 0; j < M; j++)
    want += 0.5 * b[j]! * Math.min(...Array.from({ length: N }, (_, i) => Cxy[i * M + j]!));
  const got = await value(samplesLoss({ loss: 'hausdorff', p: 1, blur: 1e-4 })(...args()));
  // Softmin - min is within eps log(1 / w_min) ~ 1e-3.
  expect(Math.abs(got - want)).toBeLessThanOrEqual(2e-3);
  expect(want).toBeGreaterThan(0.3);
});
