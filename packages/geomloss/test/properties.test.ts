/** Structural properties of the Sinkhorn divergence, float64: S(a, a) = 0, symmetry, S >= 0. */
import { describe, expect, it } from 'vitest';
import { samplesLoss } from '../src/index.js';
import { f64, uniform, value, weights } from './helpers.js';

const [N, M, D] = [12, 9, 2];
const a = () => f64(weights(1, N), [N]);
const x = () => f64(uniform(2, N * D), [N, D]);
const b = () => f64(weights(3, M), [M]);
const y = () => f64(uniform(4, M * D, 0.3, 1.3), [M, D]);

describe.each([
  { p: 2 as const, reach: undefined },
  { p: 1 as const, reach: undefined },
  { p: 2 as const, reach: 0.5 },
])('sinkhorn p=$p reach=$reach', ({ p, reach }) => {
  const loss = samplesLoss({ p, blur: 0.1, reach, scaling: 0.7 });
  it('S(a, a) = 0 exactly up to rounding (symmetric updates)', async () => {
    expect(Math.abs(await value(loss(a(), x(), a(), x())))).toBeLessThan(1e-14);
  });
  it('is symmetric: S(a, b) = S(b, a) to 1e-14 relative', async () => {
    const ab = await value(loss(a(), x(), b(), y()));
    const ba = await value(loss(b(), y(), a(), x()));
    expect(Math.abs(ab - ba)).toBeLessThanOrEqual(1e-14 * Math.abs(ab));
  });
  it('is positive for distinct clouds, with a margin far above rounding', async () => {
    expect(await value(loss(a(), x(), b(), y()))).toBeGreaterThan(1e-3);
  });
});

it('hausdorff is symmetric and vanishes on a = b', async () => {
  const loss = samplesLoss({ loss: 'hausdorff', blur: 0.1 });
  const ab = await value(loss(a(), x(), b(), y()));
  expect(Math.abs(ab - (await value(loss(b(), y(), a(), x()))))).toBeLessThanOrEqual(1e-14 * ab);
  expect(Math.abs(await value(loss(a(), x(), a(), x())))).toBeLessThan(1e-15);
  expect(ab).toBeGreaterThan(1e-3);
});
