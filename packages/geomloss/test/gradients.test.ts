/**
 * Gradients against central finite differences in float64, with the potentials converged (tol) so
 * that the envelope theorem holds. The unbalanced cases catch GeomLoss's rho + eps/2 backward: the
 * same gradient rescaled to rho + eps/2 is shown to fail the tolerance.
 */
import { grad, tensor } from '@symtensor/lazytensor';
import { describe, expect, it } from 'vitest';
import { type SamplesLossOptions, samplesLoss } from '../src/index.js';
import { expectClose, f64, finiteDiff, read, uniform, value, weights } from './helpers.js';

const [N, M, D] = [5, 4, 2];
const X = uniform(11, N * D);
const Y = uniform(12, M * D, 0.2, 1.2);
const A = weights(13, N);
const B = weights(14, M);
const H = 1e-6;
const TOL = { atol: 2e-8, rtol: 1e-6 };

async function check(options: Omit<SamplesLossOptions, 'potentials'>, wrt: ('x' | 'y' | 'a' | 'b')[]) {
  const loss = samplesLoss({ blur: 0.3, scaling: 0.7, tol: 1e-11, ...options });
  const args = (v: Record<string, Float64Array>) =>
    [
      f64(v.a!, [N], wrt.includes('a')),
      f64(v.x!, [N, D], wrt.includes('x')),
      f64(v.b!, [M], wrt.includes('b')),
      f64(v.y!, [M, D], wrt.includes('y')),
    ] as const;
  const base = { a: A, x: X, b: B, y: Y };
  const t = args(base);
  const L = await loss(...t);
  const names = ['a', 'x', 'b', 'y'] as const;
  const grads = grad(
    L,
    wrt.map((n) => t[names.indexOf(n)]!),
  );
  const out: { got: Float64Array; want: Float64Array }[] = [];
  for (const [k, n] of wrt.entries()) {
    const want = await finiteDiff((v) => value(loss(...args({ ...base, [n]: v }))), base[n], H);
    const got = await read(grads[k]!);
    expectClose(got, want, TOL, `d/d${n}`);
    out.push({ got, want });
  }
  return { value: await L.item(), grads: out };
}

describe('balanced sinkhorn gradients', () => {
  it.each([
    [2, true],
    [2, false],
    [1, true],
  ] as const)('p=%i debias=%s: d/dx and d/dy match finite differences', async (p, debias) => {
    await check({ p, debias, blur: 0.6 }, ['x', 'y']);
  });
});

describe('unbalanced sinkhorn gradients (reach 0.3 and blur 0.3: rho = eps = 0.09)', () => {
  it('debiased: d/da, d/dx, d/db, d/dy match finite differences', async () => {
    await check({ reach: 0.3 }, ['a', 'x', 'b', 'y']);
  });

  it('raw OT: d/da and d/dx match finite differences', async () => {
    await check({ reach: 0.3, debias: false }, ['a', 'x']);
  });

  it('the rho + eps/2 backward of GeomLoss would fail this test', async () => {
    const [rho, eps] = [0.09, 0.09];
    const { grads } = await check({ reach: 0.3 }, ['x']);
    const buggy = grads[0]!.got.map((g) => (g * (rho + eps / 2)) / (rho + eps));
    expect(() => expectClose(buggy, grads[0]!.want, TOL, 'rho + eps/2')).toThrow(/rho \+ eps\/2/);
  });
});

describe('hausdorff gradients (plain autograd)', () => {
  it('d/da, d/dx, d/db, d/dy match finite differences', async () => {
    await check({ loss: 'hausdorff', tol: undefined, scaling: undefined }, ['a', 'x', 'b', 'y']);
  });
});

describe('p = 1 gradients in float32 (the self-cost diagonal is exactly zero)', () => {
  // The backward of the safe norm at coincident points multiplies a zero cotangent by a large
  // constant; if that constant overflows float32, every gradient entry turns into NaN.
  it.each([
    ['energy', { loss: 'energy' }],
    ['sinkhorn p=1', { loss: 'sinkhorn', p: 1, blur: 0.1, scaling: 0.7 }],
  ] as const)('%s: finite and equal to the float64 gradient', async (_, options) => {
    const [n, m] = [60, 70];
    const x64 = uniform(21, n * 3);
    const y64 = uniform(22, m * 3, 0.2, 1.2);
    const gradient = async (dtype: 'float32' | 'float64') => {
      const x = tensor(x64, [n, 3], { dtype, requiresGrad: true });
      const y = tensor(y64, [m, 3], { dtype });
      const S = await samplesLoss(options)(x, y);
      return read(grad(S, [x])[0]!);
    };
    const want = await gradient('float64');
    const got = await gradient('float32');
    expect(got.every(Number.isFinite)).toBe(true);
    const scale = Math.max(...want.map(Math.abs));
    expectClose(got, want, { atol: 1e-4 * scale, rtol: 0 }, `${options.loss} float32 grad`);
  });
});
